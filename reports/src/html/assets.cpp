// The page's stylesheet and script. Light and dark follow prefers-color-scheme; below 700 px
// the layout is one column, the checklist drops its title column (the id says it) and wide
// tables scroll sideways.
#include "html/sections.hpp"

namespace reports::html {

const char* const kStyle = R"css(
:root{--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--panel:#f6f8fa;
--pass:#1a7f37;--fail:#cf222e;--skip:#8c959f;--warn:#9a6700;--bar:#0969da;--emit:#8250df;
--arrive:#0969da;--lag:#afb8c1;--p50:#1a7f37;--p99:#cf222e}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;
--line:#30363d;--panel:#161b22;--pass:#3fb950;--fail:#f85149;--skip:#6e7681;--warn:#d29922;
--bar:#4493f8;--emit:#a371f7;--arrive:#4493f8;--lag:#484f58;--p50:#3fb950;--p99:#f85149}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);
font:14px/1.45 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:1360px;margin:0 auto;padding:16px 20px 48px}
h1{font-size:22px;margin:4px 0 8px}h2{font-size:18px;margin:28px 0 8px;
border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
code,pre{font-family:"DejaVu Sans Mono",ui-monospace,monospace;font-size:12.5px}
pre{background:var(--panel);border:1px solid var(--line);padding:8px;overflow-x:auto;
white-space:pre-wrap;word-break:break-all;max-height:420px}
.verdict{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:700}
.verdict.passed{background:var(--pass)}.verdict.failed{background:var(--fail)}
.muted,.note{color:var(--muted)}.note{font-style:italic}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--panel);white-space:nowrap}td.num,th.num{text-align:right;
font-variant-numeric:tabular-nums}
table.sortable th{cursor:pointer;user-select:none}table.sortable th:after{content:" ↕";
color:var(--muted)}table.sortable th[aria-sort=ascending]:after{content:" ▲"}
table.sortable th[aria-sort=descending]:after{content:" ▼"}
.state{font-weight:700;white-space:nowrap}.s-passed{color:var(--pass)}
.s-failed,.s-error{color:var(--fail)}.s-skipped{color:var(--skip)}
.s-expected_failure{color:var(--warn)}
ul.evidence{margin:2px 0 2px 0;padding-left:18px}li.evidence{margin:2px 0}
li.warning{color:var(--warn)}
.options{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12.5px;color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:12px}
.chart{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px}
.chart.wide{grid-column:1/-1}
svg{width:100%;height:auto;display:block}
svg text{fill:var(--fg);font-size:11px}svg .tick{fill:var(--muted);font-size:10px}
svg .axes line{stroke:var(--muted);stroke-width:1}svg .axes line.grid{stroke:var(--line);
stroke-dasharray:2 3}
svg rect.bar,svg rect.rate{fill:var(--bar)}
svg .percentile line{stroke-width:1.5;stroke-dasharray:4 3}
svg .percentile[data-p=p50] line{stroke:var(--p50)}svg .percentile[data-p=p99] line{stroke:var(--p99)}
svg .percentile[data-p=p50] text{fill:var(--p50)}svg .percentile[data-p=p99] text{fill:var(--p99)}
svg circle.emission,svg .emission-key{fill:var(--emit)}
svg circle.arrival,svg .arrival-key{fill:var(--arrive)}
svg line.lag{stroke:var(--lag);stroke-width:.8}svg line.span{stroke:var(--line);stroke-width:9;
stroke-linecap:round}svg text.lane{fill:var(--muted);font-size:10.5px}
details{margin:6px 0}summary{cursor:pointer}
@media (max-width:700px){main{padding:10px}.charts{grid-template-columns:1fr}
h1{font-size:19px}th,td{padding:3px 5px}
table.checklist tr>:nth-child(3){display:none}}
)css";

// Sorts a table.sortable by the clicked column: numbers by data-v, text otherwise. A link
// ending in #sort=KEY (a th's data-key, e.g. #sort=ttft) opens the page sorted by that column.
const char* const kScript = R"js(
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,col){
    th.addEventListener('click',function(){
      var asc=th.getAttribute('aria-sort')!=='ascending';
      t.querySelectorAll('th').forEach(function(o){o.removeAttribute('aria-sort')});
      th.setAttribute('aria-sort',asc?'ascending':'descending');
      var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
      var key=function(r){var c=r.cells[col],v=c.getAttribute('data-v');
        return v!==null?parseFloat(v):c.textContent};
      rows.sort(function(a,b){var x=key(a),y=key(b);
        var d=(typeof x==='number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y));
        return asc?d:-d});
      rows.forEach(function(r){body.appendChild(r)});
    });
  });
});
var wanted=/^#sort=([a-z0-9_]+)$/.exec(location.hash);
if(wanted)document.querySelectorAll('table.sortable th[data-key="'+wanted[1]+'"]')
  .forEach(function(th){th.click()});
)js";

}  // namespace reports::html
