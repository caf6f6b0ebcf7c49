"""The top-level blocks of a sweep file, known to the scenario loader too (it tells a sweep file
given as a scenario by them) without importing the sweep module, which imports the loader."""

POINT_BLOCKS = ("variants", "grid", "zip", "sample")
"""The blocks that make points, in the order they are combined (first varies slowest)."""
VARYING_BLOCKS = (*POINT_BLOCKS, "overrides")
"""Every top-level block of a sweep file that says what to vary (no scenario has one)."""
