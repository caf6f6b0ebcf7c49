"""Paired comparison of two alternatives under common random numbers (CRN): the one place to
import it from. Each part lives in a module of its own:

- :mod:`carecap.analysis.compare_inputs`: which metric rows are compared
  (:func:`select_metrics`, :data:`HEADLINE_METRICS`, :data:`DEFAULT_SLICES`) and whether the two
  per-replication tables are paired (:func:`crn_problems`);
- :mod:`carecap.analysis.compare_paired`: the statistics, per metric the paired difference
  ``B - A`` with its interval and the variance reduction CRN gave (:func:`compare_metrics`, its
  :data:`COLUMNS` and notes; :func:`welch_half_width`);
- :mod:`carecap.analysis.compare_table`: the plain-text table ``carecap compare`` prints
  (:func:`format_comparison`, :func:`format_number`);
- :mod:`carecap.analysis.compare_json`: the JSON rows of ``carecap compare --json``
  (:func:`comparison_json`).
"""

from __future__ import annotations

from carecap.analysis.compare_inputs import (
    DEFAULT_SLICES,
    HEADLINE_METRICS,
    crn_problems,
    select_metrics,
)
from carecap.analysis.compare_json import comparison_json
from carecap.analysis.compare_paired import (
    COLUMNS,
    KEYS,
    NOTE_CONSTANT,
    NOTE_IDENTICAL,
    NOTE_NO_SPREAD,
    NOTE_ONE_REP,
    compare_metrics,
    welch_half_width,
)
from carecap.analysis.compare_table import METRIC_WIDTH, WIDTH, format_comparison, format_number

__all__ = [
    "COLUMNS",
    "DEFAULT_SLICES",
    "HEADLINE_METRICS",
    "KEYS",
    "METRIC_WIDTH",
    "NOTE_CONSTANT",
    "NOTE_IDENTICAL",
    "NOTE_NO_SPREAD",
    "NOTE_ONE_REP",
    "WIDTH",
    "compare_metrics",
    "comparison_json",
    "crn_problems",
    "format_comparison",
    "format_number",
    "select_metrics",
    "welch_half_width",
]
