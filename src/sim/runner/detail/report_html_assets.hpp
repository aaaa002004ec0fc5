#pragma once
// The HTML report's stylesheet and scripts, inlined into every page: a
// report is one file that opens anywhere, offline, years later, so it
// fetches nothing (no fonts, no libraries, no images).

#include <string_view>

namespace moonpool::sim::detail {

inline constexpr std::string_view report_html_style = R"css(
:root {
  --text: #1f2328; --muted: #59636e; --line: #d1d9e0; --page: #f6f8fa; --card: #ffffff;
  --pass: #1a7f37; --pass-soft: #dafbe1; --fail: #cf222e; --fail-soft: #ffebe9;
  --miss: #9a6700; --miss-soft: #fff8c5; --accent: #0969da; --accent-soft: #ddf4ff;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--text);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
code, pre { font-family: var(--mono); font-size: 12.5px; }
a { color: var(--accent); }
.muted { color: var(--muted); }

header.top { background: #24292f; color: #ffffff; padding: 14px 32px;
  display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; }
header.top .brand { opacity: 0.65; font-weight: 600; letter-spacing: 0.04em; }
header.top h1 { margin: 0; font-size: 20px; word-break: break-all; }
header.top nav { margin-left: auto; display: flex; flex-wrap: wrap; gap: 14px; }
header.top nav a { color: #c9d1d9; text-decoration: none; }
header.top nav a:hover { color: #ffffff; text-decoration: underline; }
.verdict { border-radius: 12px; padding: 2px 12px; font-size: 13px; font-weight: 700; }
.verdict.pass { background: var(--pass); }
.verdict.fail { background: var(--fail); }

.page-errors { background: var(--fail); color: #ffffff; padding: 10px 32px; white-space: pre-wrap;
  font-family: var(--mono); }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 40px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 16px 20px 18px; margin: 0 0 20px; }
section > h2 { margin: 0 0 12px; font-size: 17px; }
section > p { margin: 0 0 12px; }
footer { max-width: 1200px; margin: 0 auto; padding: 0 32px 32px; color: var(--muted);
  font-size: 12px; }

.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr));
  gap: 10px; margin: 0 0 12px; }
.stats > div { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.stats dt { color: var(--muted); font-size: 12px; }
.stats dd { margin: 0; font-size: 19px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stats dd small { display: block; color: var(--muted); font-size: 12px; font-weight: 400; }
.stats .good dd { color: var(--pass); }
.stats .bad dd { color: var(--fail); }
.facts { margin: 0; display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; word-break: break-all; }

table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-size: 12px; font-weight: 600; }
td.count, th.count { text-align: right; font-variant-numeric: tabular-nums; }
td.name { word-break: break-word; }
tr[data-status="fail"] { background: var(--fail-soft); }
tr[data-status="miss"] { background: var(--miss-soft); }
tr.zero td { color: var(--muted); }
.badge { display: inline-block; min-width: 46px; text-align: center; border-radius: 10px;
  padding: 1px 8px; font-size: 12px; font-weight: 700; color: #ffffff; }
.badge.pass { background: var(--pass); }
.badge.fail { background: var(--fail); }
.badge.miss { background: var(--miss); }
.filters { display: flex; gap: 6px; margin: 0 0 10px; }
.filters button { border: 1px solid var(--line); background: var(--card); border-radius: 14px;
  padding: 2px 12px; cursor: pointer; font: inherit; font-size: 12px; }
.filters button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent);
  color: #ffffff; }

.failure { border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px;
  padding: 8px 12px; margin: 0 0 12px; }
.failure h3 { margin: 0; font-size: 14px; font-weight: 600; }
.failure .error { margin: 6px 0 8px; white-space: pre-wrap; word-break: break-word;
  color: var(--fail); }
.command { display: flex; align-items: flex-start; gap: 8px; background: var(--page);
  border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; }
.command code { flex: 1; white-space: pre-wrap; word-break: break-all; }
button.copy { flex: none; border: 1px solid var(--line); background: var(--card);
  border-radius: 6px; padding: 2px 10px; cursor: pointer; font: inherit; font-size: 12px; }
button.copy:hover { border-color: var(--accent); color: var(--accent); }

.tree, .tree ul { list-style: none; margin: 0; padding: 0; }
.tree ul { margin-left: 10px; padding-left: 16px; border-left: 2px solid var(--line); }
.tree li { margin: 4px 0; }
.tree li.more > details > summary { margin: 4px 0; }
.timeline { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 8px; }
.timeline .label { font-weight: 600; }
.root > .timeline .label::before { content: "\25C9  "; color: var(--accent); }
.fork { display: inline-block; font-family: var(--mono); font-size: 11.5px;
  background: var(--accent-soft); border: 1px solid #b6e3ff; border-radius: 4px; padding: 0 5px; }
.bug { border: 1px solid #ffcecb; border-left: 4px solid var(--fail); background: var(--fail-soft);
  border-radius: 6px; padding: 5px 10px; margin: 4px 0; }
.bug .error { color: var(--fail); font-weight: 600; white-space: pre-wrap; word-break: break-word; }
.bug .error + .muted { font-size: 12px; }
.bug .command { margin-top: 4px; }
.bug .command code { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; cursor: zoom-in; }
.bug .command code.expanded { white-space: pre-wrap; cursor: zoom-out; }
details > summary { cursor: pointer; color: var(--accent); margin: 0 0 12px; }

.chart { width: 100%; max-width: 960px; height: auto; display: block; }
.chart .grid line { stroke: #e6eaef; stroke-width: 1; }
.chart text { fill: var(--muted); font-size: 11px; }
.chart .axis-label { fill: var(--text); font-size: 12px; }
.chart .legend text { fill: var(--text); font-size: 12px; }
.chart .legend text.note { fill: var(--muted); }
.chart .ok { fill: var(--accent); }
.chart circle.ok { fill-opacity: 0.55; }
.chart .failed { fill: var(--fail); }
.chart circle.failed { stroke: #ffffff; stroke-width: 0.8; }
)css";

// Runs first, in <head>: any later script error (or a resource a broken
// page would try to fetch) marks the page, visibly and in the DOM, so a
// headless browser's DOM dump shows it.
inline constexpr std::string_view report_html_error_catcher = R"js(
(function () {
  'use strict';
  function note(message) {
    var root = document.documentElement;
    root.setAttribute('data-page-status', 'error');
    var box = document.getElementById('page-errors');
    if (box) {
      box.hidden = false;
      box.textContent += 'page error: ' + message + '\n';
    } else {
      root.setAttribute('data-page-error', String(message));
    }
  }
  window.addEventListener('error', function (event) {
    note(event.message || 'could not load ' + (event.target && event.target.src));
  }, true);
  window.addEventListener('unhandledrejection', function (event) {
    note(String(event.reason));
  });
})();
)js";

// Runs last: copy buttons and the assertion filter; checks that every copy
// button has its text (a button that copies nothing is a broken page), then
// marks the page ready unless an error was noted.
inline constexpr std::string_view report_html_script = R"js(
(function () {
  'use strict';
  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function flash(button, label) {
    button.textContent = label;
    window.setTimeout(function () { button.textContent = 'Copy'; }, 1600);
  }
  function copy(button) {
    var target = document.getElementById(button.getAttribute('data-copy-target'));
    var fallback = function () {
      selectText(target);
      var copied = false;
      try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
      flash(button, copied ? 'Copied' : 'Selected: press Ctrl+C');
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(target.textContent).then(function () {
        flash(button, 'Copied');
      }, fallback);
    } else {
      fallback();
    }
  }
  var buttons = document.querySelectorAll('button[data-copy-target]');
  for (var i = 0; i < buttons.length; ++i) {
    var id = buttons[i].getAttribute('data-copy-target');
    if (!document.getElementById(id)) {
      throw new Error('copy button without its text: ' + id);
    }
    buttons[i].addEventListener('click', function (event) { copy(event.currentTarget); });
  }

  // A bug's replay command (a long recipe) shows one line until clicked.
  var recipes = document.querySelectorAll('.bug .command code');
  for (var k = 0; k < recipes.length; ++k) {
    recipes[k].addEventListener('click', function (event) {
      event.currentTarget.classList.toggle('expanded');
    });
  }

  var filters = document.querySelectorAll('#assertions .filters button');
  var rows = document.querySelectorAll('tr[data-assertion-row]');
  function show(status) {
    for (var f = 0; f < filters.length; ++f) {
      filters[f].setAttribute('aria-pressed', String(filters[f].getAttribute('data-filter') === status));
    }
    for (var r = 0; r < rows.length; ++r) {
      rows[r].hidden = status !== 'all' && rows[r].getAttribute('data-status') !== status;
    }
  }
  for (var f = 0; f < filters.length; ++f) {
    filters[f].addEventListener('click', function (event) {
      show(event.currentTarget.getAttribute('data-filter'));
    });
  }

  var root = document.documentElement;
  if (root.getAttribute('data-page-status') !== 'error') {
    root.setAttribute('data-page-status', 'ok');
  }
})();
)js";

}  // namespace moonpool::sim::detail
