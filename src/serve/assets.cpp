// The dashboard's only static files, compiled in: a stylesheet and a few lines of script that
// are conveniences (submit the filter form when a select changes, preset vs. dates). Every page
// works without them.
#include "curcrunch/serve/assets.hpp"

namespace curcrunch::serve {

const char* kStyleCss = R"CSS(
:root { --ink:#222; --muted:#666; --line:#dde2ea; --accent:#1f3b73; --bg:#f7f8fa; }
* { box-sizing: border-box; }
body { margin:0; font-family: "DejaVu Sans", Verdana, sans-serif; color:var(--ink); background:#fff; font-size:14px; }
header { display:flex; flex-wrap:wrap; align-items:center; gap:1rem; padding:.6rem 1.2rem; background:var(--accent); }
header a { color:#fff; text-decoration:none; }
.brand { font-weight:bold; font-size:1.1rem; margin-right:1rem; }
header nav { display:flex; flex-wrap:wrap; gap:.2rem; }
header nav a { padding:.3rem .6rem; border-radius:4px; }
header nav a[aria-current=page] { background:rgba(255,255,255,.2); }
main { max-width:1240px; margin:0 auto; padding:1rem 1.2rem 3rem; }
h1 { font-size:1.4rem; margin:.8rem 0; color:var(--accent); }
h2 { font-size:1.1rem; margin:1.4rem 0 .5rem; color:var(--accent); }
form.filters { display:flex; flex-wrap:wrap; gap:.6rem 1rem; align-items:flex-end; background:var(--bg); border:1px solid var(--line); padding:.7rem; border-radius:6px; }
fieldset { border:0; padding:0; margin:0; display:flex; flex-wrap:wrap; gap:.4rem; align-items:center; }
legend { font-size:.8rem; color:var(--muted); float:left; margin-right:.4rem; }
label.inline { flex-direction:row !important; align-items:center; color:var(--ink) !important; font-size:.9rem !important; }
form.filters label { display:flex; flex-direction:column; font-size:.8rem; color:var(--muted); gap:.2rem; }
input, select, button { font:inherit; padding:.25rem .4rem; }
button { background:var(--accent); color:#fff; border:0; border-radius:4px; padding:.4rem .9rem; cursor:pointer; }
.crumbs { margin:.8rem 0 0; font-size:.9rem; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit, minmax(210px, 1fr)); gap:.8rem; margin:1rem 0; }
.kpi { background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:.7rem .9rem; }
.kpi .label { font-size:.8rem; color:var(--muted); }
.kpi .value { font-size:1.45rem; font-weight:bold; color:var(--accent); margin:.2rem 0; }
.kpi .note { font-size:.75rem; color:var(--muted); }
.charts { display:grid; grid-template-columns:repeat(auto-fit, minmax(min(100%, 560px), 1fr)); gap:1rem; }
figure { margin:0; border:1px solid var(--line); border-radius:6px; padding:.6rem; overflow-x:auto; }
figure svg { width:100%; height:auto; max-width:100%; }
table { border-collapse:collapse; width:100%; margin:.6rem 0 1.2rem; font-size:.85rem; }
caption { text-align:left; font-weight:bold; padding:.3rem 0; color:var(--accent); }
th, td { padding:.3rem .5rem; border-bottom:1px solid var(--line); text-align:left; }
th { background:var(--bg); } th a { color:inherit; text-decoration:none; }
.num { text-align:right; font-variant-numeric:tabular-nums; }
tbody tr:nth-child(even) { background:#fafbfc; }
.error { background:#fdecea; border:1px solid #f5c2c0; color:#8a1c13; padding:.6rem .8rem; border-radius:6px; }
.ok { background:#e9f6ec; border:1px solid #b9e0c2; padding:.6rem .8rem; border-radius:6px; }
.pager { display:flex; gap:1rem; align-items:center; }
.flag { color:#a11; font-weight:bold; }
.table-wrap { overflow-x:auto; }
.group-by a, .group-by span { display:inline-block; min-height:24px; padding:.25rem .4rem; } .group-by span[aria-current] { font-weight:bold; }
tfoot td { border-top:2px solid var(--line); }
details.fee-days summary { cursor:pointer; color:var(--accent); font-weight:bold; font-size:.85rem; margin:.4rem 0; }
header form.signout { margin:0 0 0 auto; }
header form.signout button { background:transparent; border:1px solid rgba(255,255,255,.6); padding:.3rem .7rem; }
form.login { display:flex; flex-wrap:wrap; gap:.6rem 1rem; align-items:flex-end; max-width:34rem; background:var(--bg); border:1px solid var(--line); padding:.9rem; border-radius:6px; }
form.login label { display:flex; flex-direction:column; flex:1 1 14rem; font-size:.8rem; color:var(--muted); gap:.2rem; }
.note { color:var(--muted); font-size:.85rem; }
nav.toggle { display:flex; flex-wrap:wrap; gap:.2rem .3rem; align-items:center; margin:.4rem 0; font-size:.85rem; }
nav.toggle .label { color:var(--muted); margin-right:.2rem; }
nav.toggle a, nav.toggle span[aria-current] { padding:.15rem .5rem; border:1px solid var(--line); border-radius:12px; text-decoration:none; color:var(--accent); }
nav.toggle span[aria-current] { background:var(--accent); color:#fff; border-color:var(--accent); }
p.measure { margin:.3rem 0 .8rem; font-size:.9rem; }
form.grouping { margin:.6rem 0; }
table.mom th[scope=row] { font-weight:normal; background:#fff; position:sticky; left:0; }
table.mom th[scope=row] a { color:var(--accent); text-decoration:underline; }
table.mom tbody tr:nth-child(even) th[scope=row] { background:#fafbfc; }
table.mom small.change { color:var(--muted); white-space:nowrap; }
table.mom thead th, td.nodata { white-space:nowrap; }
table.mom thead th small { display:block; white-space:normal; font-weight:normal; font-size:0.8em; }
table.mom th.flag { color:#a11; }
td.nodata { color:var(--muted); }
figure svg.phone { display:none; }
@media (max-width: 700px) { main { padding:.6rem; } .kpi .value { font-size:1.2rem; } }
/* Phones: the chart laid out for the phone's width (shown ~1.5x, so its labels read >= 11 px),
   controls and links at least 24 px tall for a finger, nothing wider than the screen. */
@media (max-width: 640px) {
  figure svg.desk { display:none; }
  figure svg.phone { display:block; max-width:440px; margin:0 auto; }
  /* A chart's links (a month's dot, a bar) take a finger: an invisible stroke widens what a tap
     hits to 24 px and more without changing what is drawn. */
  figure svg.phone a circle { stroke:transparent; stroke-width:12px; }
  figure svg.phone a rect { stroke:transparent; stroke-width:6px; }
  header { padding:.4rem .6rem; gap:.4rem; }
  header a.brand, label.inline, nav.toggle a, nav.toggle span, header nav a, .pager a, .crumbs a, p.actions a, td a, th a, .toggle a, .toggle span { display:inline-flex; align-items:center; min-height:24px; min-width:24px; }
  input, select, button { min-height:28px; max-width:100%; }
  form.filters { padding:.5rem; }
  form.filters label, form.filters fieldset { min-width:0; max-width:100%; }
  input[type=date] { min-width:0; }
}
)CSS";

const char* kAppJs = R"JS(
// Conveniences only: the dashboard works without this file.
document.addEventListener('DOMContentLoaded', function () {
  // The forms that pick rows or values: fields left empty are not sent either.
  document.querySelectorAll('form.grouping').forEach(function (g) {
    g.addEventListener('submit', function () {
      g.querySelectorAll('input, select').forEach(function (el) {
        if (el.value === '') el.disabled = true;
      });
    });
  });
  var form = document.querySelector('form.filters');
  if (!form) return;
  var pick = function (v) { form.querySelector('input[name=range][value=' + v + ']').checked = true; };
  form.querySelector('select[name=preset]').addEventListener('change', function () {
    pick('preset'); form.submit();
  });
  form.querySelectorAll('input[type=date]').forEach(function (d) {
    d.addEventListener('change', function () { pick('dates'); });
  });
  form.querySelector('select[name=granularity]').addEventListener('change', function () {
    form.requestSubmit();
  });
  // Keep the URL short: only the fields that say something are sent.
  form.addEventListener('submit', function () {
    var dates = form.querySelector('input[name=range][value=dates]').checked;
    form.querySelectorAll('input, select').forEach(function (el) {
      if (el.value === '' || (dates && el.name === 'preset') ||
          (!dates && (el.name === 'from' || el.name === 'to')) ||
          (el.name === 'granularity' && el.value === 'day')) el.disabled = true;
    });
  });
});
)JS";

}  // namespace curcrunch::serve
