// The dashboard's Billing page in Debian's chromium (headless, --no-sandbox), at a desktop width
// and a phone's (390 px): one JSON line per step for tests/billing_serve_test.cpp to check, and
// a screenshot of each in OUTDIR.
//   node billing.mjs BASE_URL OUTDIR QUERY
import { chromium } from 'playwright-core';

const [base, outdir, query] = process.argv.slice(2);
const log = (o) => console.log(JSON.stringify(o));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const errors = [];
  for (const [name, width] of [['desktop', 1280], ['phone', 390]]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${base}/billing?${query}`);
    // Wide tables may scroll inside their own box; the page itself must not.
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth + 1);
    const heading = (await page.textContent('main h1')).trim();
    log({ step: name, heading, overflow });
    await page.screenshot({ path: `${outdir}/billing-${name}.png`, fullPage: true });
    await context.close();
  }
  log({ step: 'errors', errors });
} finally {
  await browser.close();
}
