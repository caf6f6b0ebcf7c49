"""Every limit on scenario input, in one place, with the reason for each.

Numbers in a scenario must be finite (no ``.inf`` or ``.nan``) and within these ranges; files must
be small, shallow and free of alias bombs. The limits are far beyond any real care system (Taiyuan
2022: 3,383 elders, about 60 units, one year) but low enough that a typo or a hostile file is
refused by ``carecap check`` in well under a second instead of exhausting memory or crashing the
engine. The README's "Scenario format" section lists them; keep the two in step.
"""

from __future__ import annotations

from carecap.sim.units import DAY_MIN

# --- time -------------------------------------------------------------------------------------

MAX_DAYS = 36_525.0
"""Horizon, warm-up, drain, enrolment days, targets and give-up times in days: at most 100 years.
A planning model of elderly care has no use for more, and the engine's calendar (month knots,
seasonal factors) is built day by day over the horizon."""

MAX_MIN = MAX_DAYS * DAY_MIN
"""The same 100 years for fields in minutes (targets, give-up times, transport thresholds)."""

MAX_DIST_VALUE = 1_000_000.0
"""Any parameter of a distribution (value, mean, sd, low, high, mode, empirical values) is at
most this, in the field's own unit: 1e6 minutes is about two years of service or travel, 1e6
days is 2,700 years between visits. Larger values are typos and overflow sums of draws."""

MIN_INTERVAL_DAYS = 0.01
"""Request intervals (visits, baths) must have a mean of at least 0.01 days (14.4 minutes). A
shorter mean asks one elder for more than a hundred requests a day: no care plan does that, and a
near-zero interval (1e-6 days) makes the engine pre-draw billions of requests."""

# --- sizes ------------------------------------------------------------------------------------

MAX_ELDERS = 1_000_000
"""Elders in need per scenario: those present at time 0 plus the expected enrolments over the
horizon. A million is far more than any city's family-care programme (Taiyuan: 3,383) and keeps
one replication within a few gigabytes; larger populations should be simulated district by
district."""

MAX_UNITS = 10_000
"""Caregivers, bathing stations and home-bathing teams in all (the sum over every shift count and
the centre's stations), and any one count. Unit ids are 16-bit in the records (at most 32,767);
10,000 leaves room and is beyond any city's staff."""

MAX_VANS = 10_000
"""Vans, and seats per van."""
MAX_VAN_STOP_MIN = 240.0
"""Minutes a van stops at one elder's home."""

MAX_COUNT = 1_000_000_000
"""Other whole numbers that are not simulated one by one (residents of a district, queue-length
thresholds for overflow routing)."""

MAX_BACKLOG = MAX_ELDERS
"""Requests on an initial waiting list (each is an elder already waiting)."""

MAX_REPLICATIONS = 100_000
"""Default number of replications: beyond any useful precision (the interval shrinks with the
square root of the count)."""

MAX_SEED = 2**64 - 1
"""Seeds are 0 ... 2^64 - 1: what numpy's ``SeedSequence`` and the records' seed column hold
without loss."""

# --- rates and money ---------------------------------------------------------------------------

MAX_ALARM_RATE_PER_BED_MONTH = 1_000.0
"""About 33 alarms a day from every bed: a platform alarming more is broken, not busy."""

MAX_ELDERS_PER_DAY = 100_000.0
"""Enrolment rate of one period (the total is also bounded by :data:`MAX_ELDERS`)."""

MAX_EXIT_RATE_PER_YEAR = 1_000.0
"""Hazard of leaving: 1,000 per year is a mean stay of about 9 hours."""

MAX_SEASONAL_FACTOR = 100.0
"""A month's demand at most 100 times the usual rate. An infinite factor would make the demand of
that month infinite (and, through the time change, remove the demand of the rest of the year)."""

MAX_COST = 1e9
"""Any unit cost (per hour, per open hour, per service), in the scenario's currency: a billion is
no real price, and annual totals stay far from overflow."""

MAX_HOURS_PER_FTE_YEAR = 8784.0
"""Paid hours of one full-time equivalent in a year: at most every hour of a leap year (366 x 24);
a real contract is about 1,700-2,100."""

# --- files -------------------------------------------------------------------------------------

MAX_FILE_BYTES = 1 << 20
"""A scenario file is at most 1 MiB (Taiyuan's is about 10 kB)."""

MAX_NODES = 50_000
"""YAML values (mappings, lists, scalars) in one file, counting each use of an alias as a copy of
what it refers to: 50 times Taiyuan's (about 1,000). Stops "billion laughs" documents (a kilobyte
that expands to gigabytes) while composing, before any copy is made, and bounds the parsing time
(PyYAML parses about 25,000 values a second)."""

MAX_TEXT_CHARS = 16 * MAX_FILE_BYTES
"""Characters of text in one file with aliases expanded (a long string used through many
aliases)."""

MAX_DEPTH = 64
"""Nesting of mappings and lists (aliases expanded). A scenario needs about 8 levels; deeper
documents would exhaust Python's recursion limit in the parser and validator."""

MAX_EXTENDS = 32
"""Files in one ``extends:`` chain."""

# --- booking ----------------------------------------------------------------------------------

MIN_SLOT_MIN = 5.0
"""Booking slots start at least 5 minutes apart: finer grids buy nothing for visits of an hour and
multiply the slots the engine searches for each booking."""

MAX_BOOK_AHEAD_DAYS = 366.0
"""Booking looks at most a year ahead of a bath's due date: no service books further, and each
booking searches every slot in the window."""
