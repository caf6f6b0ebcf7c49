"""The report's stylesheet, inlined into the page: screen and print (A4, page breaks, tables
never clipped). Fonts: hanzi and CJK punctuation from the page's own embedded face (``carecap CJK``:
:mod:`~carecap.analysis.report.embedded_font`, the figures' font, limited to those code points),
so that labels such as 万柏林 render alike on every machine, also one without a Chinese font;
everything else in the reader's system fonts (Chinese system fonts still named, for characters
the embedded face lacks); nothing is loaded from the network."""

CSS = """
:root { --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --band: #f6f8fa; --accent: #0b5394;
        --good: #1a7f37; --bad: #b42318; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0 auto; max-width: 64rem; padding: 1.5rem 2rem 4rem; color: var(--ink);
       font-family: "carecap CJK", "Segoe UI", "Helvetica Neue", Arial, "Noto Sans CJK SC",
       "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif;
       line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 0.3rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.2rem;
     border-bottom: 2px solid var(--accent); color: var(--accent); }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
p, li { max-width: 52rem; }
.subtitle, .note, figcaption, caption { color: var(--muted); }
.note { font-size: 0.9rem; }
.note.warning { color: var(--bad); font-weight: 600; }
nav.toc ol { columns: 2; padding-left: 1.2rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
.table-wrap { overflow-x: auto; margin: 0.4rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.88rem; }
caption { caption-side: top; text-align: left; font-size: 0.85rem; padding: 0.2rem 0; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.3rem 0.55rem; vertical-align: top; }
tbody th { text-align: left; font-weight: 600; }
table.equity tbody tr:first-child > * { background: #fafbfc; font-weight: 600; }
thead th { background: var(--band); text-align: left; border-bottom: 2px solid var(--rule); }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.num .ci { color: var(--muted); font-size: 0.8rem; display: block; }
tr.group th { background: #eef3f8; text-align: left; }
table.scenario { width: 100%; }
table.scenario th:first-child { width: 17%; }
table.scenario td:nth-child(2) { width: 33%; }
.tag { display: inline-block; padding: 0 0.35rem; border-radius: 0.25rem; font-size: 0.75rem;
       font-weight: 600; white-space: nowrap; }
.tag.assumption { background: #fff4e5; color: #8a4b00; }
.tag.sourced { background: #e6f4ea; color: var(--good); }
.tag.unstated { background: #eef0f2; color: var(--muted); }
.tag.setting { background: #e8eefc; color: var(--accent); }
.meets { color: var(--good); font-weight: 600; }
.fails { color: var(--bad); font-weight: 600; }
.source { font-size: 0.82rem; color: var(--muted); }
figure { margin: 1rem 0 1.6rem; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
dl.glossary dt { font-weight: 600; margin-top: 0.6rem; }
dl.glossary dd { margin: 0.1rem 0 0 1.2rem; }
code { font-size: 0.85em; background: var(--band); padding: 0 0.2rem; border-radius: 0.2rem; }
.zh { font-weight: inherit; }
.en-sub { color: var(--muted); font-weight: normal; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-before: page; page-break-before: always; }
  h2.first { break-before: auto; page-break-before: auto; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .table-wrap { overflow: visible; }
  table { max-width: 100%; font-size: 8.5pt; }
  table.scenario { width: 100%; }
  thead { display: table-header-group; }
  tr, figure, dl.glossary dt, dl.glossary dd { break-inside: avoid; page-break-inside: avoid; }
  td, th { word-break: break-word; }
  td.num { white-space: normal; }
  td.num .ci { white-space: nowrap; }
  figure img { max-height: 22cm; border: none; }
  a { color: inherit; text-decoration: none; }
}
"""
