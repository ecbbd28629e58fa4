// Drives Debian's chromium (headless, --no-sandbox; never a downloaded browser) through the
// dashboard like a person would, printing one JSON line per step for tests/serve_test.cpp to
// check, and saving screenshots and the downloaded PDF into OUTDIR.
//   node dashboard.mjs BASE_URL OUTDIR UPLOAD_PDF
import { chromium } from 'playwright-core';

const [base, outdir, uploadPdf] = process.argv.slice(2);
const log = (o) => console.log(JSON.stringify(o));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  // 1. The overview of two months.
  await page.goto(`${base}/?from=2026-09-01&to=2026-10-31&as_of=2026-10-31`);
  log({ step: 'overview', title: await page.title(), total: await page.textContent('.kpi .value') });
  await page.screenshot({ path: `${outdir}/overview.png`, fullPage: true });

  // 2. Change the date range with the form.
  await page.fill('input[name=from]', '2026-10-01');
  await page.check('input[name=range][value=dates]');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
  log({ step: 'range', url: page.url(), total: await page.textContent('.kpi .value') });

  // 3. Zoom: back to both months, then click September in the monthly trend.
  await page.goto(`${base}/?from=2026-09-01&to=2026-10-31&as_of=2026-10-31`);
  await Promise.all([page.waitForNavigation(), page.click('figure svg a[href^="/trends"][href*="from=2026-09-01"]')]);
  log({
    step: 'zoom', url: page.url(), crumbs: (await page.textContent('nav.crumbs')).trim(),
    total: await page.textContent('.kpi .value'),
  });
  await page.screenshot({ path: `${outdir}/zoom-september.png`, fullPage: true });

  // 4. Sort the line items by cost, ascending, with a click on the header.
  await page.goto(`${base}/line-items?from=2026-09-01&to=2026-10-31&as_of=2026-10-31`);
  const firstBefore = await page.textContent('tbody tr:first-child td:last-child');
  await Promise.all([page.waitForNavigation(), page.click('th a:has-text("Cost")')]);
  log({
    step: 'sort', url: page.url(), first_before: firstBefore,
    first_after: await page.textContent('tbody tr:first-child td:last-child'),
    aria: await page.getAttribute('th[aria-sort]', 'aria-sort'),
  });
  await page.screenshot({ path: `${outdir}/line-items.png`, fullPage: true });

  // 5. Download the PDF of the current view.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.download')]);
  await download.saveAs(`${outdir}/report.pdf`);
  log({ step: 'download', name: download.suggestedFilename() });

  // 6. Upload a PDF into the archive.
  await page.goto(`${base}/archive`);
  await page.setInputFiles('input[type=file]', uploadPdf);
  await Promise.all([page.waitForNavigation(), page.click('form.upload button')]);
  const mainText = await page.textContent('main');
  log({ step: 'upload', notice: mainText.includes('imported as report') });
  if (!mainText.includes('imported as report')) log({ step: 'upload-page', text: mainText.slice(0, 400) });
  await page.screenshot({ path: `${outdir}/archive.png`, fullPage: true });

  // 7. A narrow window.
  await page.setViewportSize({ width: 420, height: 900 });
  await page.goto(`${base}/services?from=2026-09-01&to=2026-10-31&as_of=2026-10-31`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  log({ step: 'narrow', overflow });
  await page.screenshot({ path: `${outdir}/narrow-services.png`, fullPage: true });

  log({ step: 'errors', errors });
} finally {
  await browser.close();
}
