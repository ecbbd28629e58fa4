// The Accounts page in Debian's chromium (headless, --no-sandbox): one row per account with its
// OU path, status, joined date and payer; grouped by organizational unit; an OU's link to its
// accounts; and the same at phone width (390 px), where nothing may be wider than the screen.
// Prints one JSON line per step for tests/org_dashboard_test.cpp and saves screenshots in OUTDIR.
//   node accounts.mjs BASE_URL OUTDIR QUERY
import { chromium } from 'playwright-core';

const [base, outdir, query] = process.argv.slice(2);
const log = (o) => console.log(JSON.stringify(o));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const overflow = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
const rows = (page) =>
  page.$$eval('tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(`${base}/accounts?${query}`);
  log({ step: 'accounts', rows: await rows(page) });
  await page.screenshot({ path: `${outdir}/accounts.png`, fullPage: true });

  await Promise.all([page.waitForNavigation(), page.click('p.group-by a:has-text("Organizational units")')]);
  log({ step: 'by-ou', url: page.url(), rows: await rows(page) });
  await page.screenshot({ path: `${outdir}/accounts-ou.png`, fullPage: true });

  await Promise.all([page.waitForNavigation(), page.click('tbody a:has-text("Root / Workloads / Prod")')]);
  log({
    step: 'ou-drill', rows: (await rows(page)).length,
    crumbs: (await page.textContent('nav.crumbs')).trim(),
  });

  await page.setViewportSize({ width: 390, height: 844 });
  for (const [name, q] of [['accounts-phone', query], ['accounts-ou-phone', `${query}&group=ou`]]) {
    await page.goto(`${base}/accounts?${q}`);
    const box = await page.$eval('.table-wrap', (d) => ({ client: d.clientWidth, scroll: d.scrollWidth }));
    log({ step: name, overflow: await overflow(page), table_fits_screen: box.client <= 390 });
    await page.screenshot({ path: `${outdir}/${name}.png`, fullPage: true });
  }
  log({ step: 'errors', errors });
} finally {
  await browser.close();
}
