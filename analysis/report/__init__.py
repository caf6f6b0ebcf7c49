"""``carecap report``: one self-contained HTML file a director can open and print.

No network at all: the styles are inline (:mod:`.style`), the figures are PNG data URIs
(:mod:`.html`), and there is no script. The sections, in order (:mod:`.document`):

* the scenario in words, each assumption with its source as written in the scenario file's
  comments (:mod:`.scenario_words`, :mod:`.sources`);
* key figures per service with 95 % intervals (:mod:`.key_figures`);
* the equity view by district and priority tier (:mod:`.equity`);
* the figures (:mod:`.figures`, drawn by :mod:`carecap.analysis.plots`);
* for a sweep, the options ranked against the targets with their costs (:mod:`.options`);
* a method appendix following STRESS-DES (Monks et al. 2019) (:mod:`.method`);
* a glossary of the metrics (:mod:`.glossary`).

Every number is read from the results folder (``summary.parquet``, ``manifest.json``, the
sweep's ``sweep.json``) and only formatted here, never recomputed. Headings and labels are in
Chinese, English or both (:mod:`.text`).
"""
