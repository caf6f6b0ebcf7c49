"""Analysis on top of :mod:`carecap.sim`: loading results folders, paired comparisons,
precision, warm-up (MSER-5), queueing theory, plots and the printed summary table.

May import :mod:`carecap.sim`; only :mod:`carecap.sim.cli` imports this package.
"""

from carecap.analysis.load import Results, load

__all__ = ["Results", "load"]
