// The cost views in Debian's chromium (headless, --no-sandbox) at desktop width and at a phone's
// (390 px): for every page, whether anything is wider than the screen, the smallest chart text
// as rendered (the SVG's font size times its scale on screen), the links and controls smaller
// than a 24 px touch target, and a screenshot. Then a click through the pickers and the measure
// toggle. One JSON line per step for tests/serve_views_test.cpp; screenshots in OUTDIR.
//   node views.mjs BASE_URL OUTDIR QUERY
import { chromium } from 'playwright-core';

// compareQuery: the compare page's own selection (one whose previous period has data, so the
// change chart is drawn); the query of the other pages when not given.
const [base, outdir, query, compareQuery] = process.argv.slice(2);
const log = (o) => console.log(JSON.stringify(o));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

// What the test checks on a page, measured in CSS pixels.
const measure = (page) => page.evaluate(() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  let smallest = null;
  let charts = 0;
  for (const svg of document.querySelectorAll('figure svg')) {
    if (!visible(svg)) continue;
    charts++;
    const scale = svg.getScreenCTM().a;
    for (const t of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (smallest === null || px < smallest) smallest = px;
    }
  }
  const small = [];
  for (const el of document.querySelectorAll('a, button, input, select, summary')) {
    if (el.closest('svg') || el.type === 'hidden' || !visible(el)) continue;
    // A radio button's target is its label, which toggles it too.
    const target = (el.type === 'radio' || el.type === 'checkbox') && el.closest('label') ? el.closest('label') : el;
    const r = target.getBoundingClientRect();
    if (r.height < 24 || r.width < 24)
      small.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  const wraps = [...document.querySelectorAll('.table-wrap')].map((d) => d.getBoundingClientRect().right);
  return {
    scroll_width: document.documentElement.scrollWidth,
    charts,
    smallest_chart_text: smallest === null ? null : Math.round(smallest * 10) / 10,
    small_targets: small,
    tables_inside: wraps.every((r) => r <= window.innerWidth + 0.5),
  };
});

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const pages = [
    ['overview', '/'], ['trends', '/trends'], ['services', '/services'], ['compare', '/compare'],
    ['accounts', '/accounts'], ['line-items', '/line-items'],
    ['month-over-month', '/month-over-month'], ['categories', '/categories'],
  ];
  for (const [width, suffix] of [[1280, 'desktop'], [390, 'phone']]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    for (const [name, path] of pages) {
      await page.goto(`${base}${path}?${name === 'compare' && compareQuery ? compareQuery : query}`);
      const m = await measure(page);
      log({ step: `${name}-${suffix}`, ...m, small_targets: width === 390 ? m.small_targets : [] });
      await page.screenshot({ path: `${outdir}/views-${name}-${suffix}.png`, fullPage: true });
      // The top of the page and each chart as a phone shows them, to look at in full size.
      if (width === 390) {
        await page.screenshot({ path: `${outdir}/views-${name}-${suffix}-top.png` });
        const figures = await page.$$('figure');
        for (let i = 0; i < figures.length; i++)
          await figures[i].screenshot({ path: `${outdir}/views-${name}-${suffix}-chart${i + 1}.png` });
      }
    }
  }
  // A tap 10 px beside a month's dot in the phone's chart still lands on that month's link.
  await page.goto(`${base}/?${query}`);
  const tap = await page.evaluate(() => {
    const dot = document.querySelector('figure svg.phone a circle');
    dot.scrollIntoView({ block: 'center' });  // elementFromPoint sees the viewport only
    const r = dot.getBoundingClientRect();
    const x = r.left + r.width / 2 + 10, y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    return {
      dot_px: Math.round(r.width),
      hits_link: !!hit && hit.closest('a') === dot.closest('a'),
    };
  });
  log({ step: 'tap', ...tap });
  // The measure toggle and the payer picker, with clicks and the form, at phone width.
  await page.goto(`${base}/?${query}`);
  await Promise.all([page.waitForNavigation(), page.click('nav.toggle a:has-text("Net unblended cost")')]);
  log({
    step: 'toggle', url: page.url(), total: await page.textContent('.kpi .value'),
    stated: await page.textContent('p.measure strong'),
  });
  const payer = await page.$eval('#pick-payer option', (o) => o.value);
  await page.fill('input[name=payer]', payer);
  await Promise.all([page.waitForNavigation(), page.click('form.filters button[type=submit]')]);
  log({ step: 'payer', url: page.url(), total: await page.textContent('.kpi .value') });
  await page.screenshot({ path: `${outdir}/views-payer-net-phone.png` });
  // Categories: another key from the picker.
  await page.goto(`${base}/categories?${query}`);
  const other = await page.$eval('form.grouping select[name=by]',
    (sel) => [...sel.options].find((o) => !o.selected).value);
  await page.selectOption('form.grouping select[name=by]', other);
  await Promise.all([page.waitForNavigation(), page.click('form.grouping button[type=submit]')]);
  log({
    step: 'category', url: page.url(),
    first: await page.$$eval('table:not(.mom) tbody tr:first-child td', (tds) => tds.map((td) => td.textContent.trim())),
  });
  log({ step: 'errors', errors });
} finally {
  await browser.close();
}
