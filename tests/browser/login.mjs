// Drives Debian's chromium through the login of a token-protected dashboard: the page asked
// for, the sign-in and the return to that page, an unknown address and its way back, and the
// sign-out — at desktop width and at 390 px (a phone). One JSON line per step for
// tests/serve_hostile_test.cpp; screenshots go to OUTDIR.
//   node login.mjs BASE_URL OUTDIR TOKEN_FILE
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [base, outdir, tokenFile] = process.argv.slice(2);
const log = (o) => console.log(JSON.stringify(o));
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const context = await browser.newContext({ viewport: desktop });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The 401 and 404 answers this walk asks for are logged by chromium as failed loads.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|404)/.test(m.text())) errors.push(m.text());
  });
  const overflows = () => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  const shoot = async (name) => {
    await page.screenshot({ path: `${outdir}/${name}.png`, fullPage: true });
    await page.setViewportSize(phone);
    const overflow = await overflows();
    await page.screenshot({ path: `${outdir}/${name}-390.png`, fullPage: true });
    await page.setViewportSize(desktop);
    return overflow;
  };

  // 1. A bookmarked view, not signed in: the login page, at the same address.
  const asked = await page.goto(`${base}/services?from=2026-09-01&to=2026-10-31&as_of=2026-10-31`);
  log({ step: 'asked', status: asked.status(), title: await page.title() });
  const loginOverflow = await shoot('login');

  // 2. Sign in: back on the view that was asked for.
  await page.fill('input[name=token]', readFileSync(tokenFile, 'utf8').trim());
  await Promise.all([page.waitForNavigation(), page.click('form.login button[type=submit]')]);
  log({ step: 'signed-in', url: page.url(), h1: await page.textContent('h1') });

  // 3. An address that is not a page, and the way back.
  const missing = await page.goto(`${base}/costs/by-team`);
  log({ step: 'not-found', status: missing.status(), h1: await page.textContent('h1') });
  const notFoundOverflow = await shoot('not-found');
  await Promise.all([page.waitForNavigation(), page.click('main a:has-text("Back to the overview")')]);
  log({ step: 'way-back', url: page.url() });

  // 4. Sign out: the session is gone.
  await Promise.all([page.waitForNavigation(), page.click('form.signout button')]);
  log({ step: 'signed-out', url: page.url() });
  const after = await page.goto(`${base}/services`);
  log({ step: 'after-sign-out', status: after.status() });

  log({ step: 'narrow', login_overflow: loginOverflow, not_found_overflow: notFoundOverflow });
  log({ step: 'errors', errors });
} finally {
  await browser.close();
}
