"""Units and calendar constants: the engine's one time unit is the minute.

Every duration inside the engine is in minutes; fields and metrics carry their unit in their
name (``_min``, ``_days``, ``_per_year``). Import these constants, never restate them.
"""

from __future__ import annotations

HOUR_MIN = 60.0
"""Minutes in an hour."""
DAY_MIN = 24 * HOUR_MIN
"""Minutes in a day (1,440)."""
WEEK_MIN = 7 * DAY_MIN
"""Minutes in a week (10,080): weekly schedules repeat with this period."""
YEAR_DAYS = 365.25
"""The mean calendar year, in days: rates quoted per year or per month (exit hazards, alarms)."""
MONTH_DAYS = YEAR_DAYS / 12
"""The mean calendar month, in days (30.44): rates quoted per month."""
ANNUAL_DAYS = 365.0
"""A budget year, in days: window totals (staff hours, costs) are annualised to 365 days."""
