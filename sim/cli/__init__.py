"""The ``carecap`` command line: one thin module per command.

Each command parses its arguments, calls library functions with plain values, and prints. This
is the application layer: the only part of ``carecap.sim`` that may import ``carecap.analysis``
(for tables, comparisons and plots), and nothing imports it.

Every command runs numpy's and scipy's OpenBLAS on one thread (``OPENBLAS_NUM_THREADS=1``, set
here, before numpy loads, unless the environment sets it; worker processes inherit it).
carecap's numerical work is vectors and small matrices, which BLAS threads do not speed up, and
replications run in parallel as processes (``--workers``): the threads OpenBLAS starts, one a
core and library, only cost CPU (measured on the shared 2-core machine, 30 Nov 2026: 0.06 s of
a 0.36 s ``carecap check``, 0.3 s of a 6.4 s million-request ``carecap run``) and compete with
the workers for the cores.

Every command also has Arrow allocate through the C library's malloc
(``ARROW_DEFAULT_MEMORY_POOL=system``, unless the environment sets it), not pyarrow's default
mimalloc pool, which keeps the memory of converted and written record blocks: measured on the
million-request M/M/10 run with records (``carecap run ... --reps 1 --workers 1``, /usr/bin/time,
1 Dec 2026), peak RSS 309 MB with mimalloc, 256 MB with the system pool (252 MB without
records), CPU 6.5 s either way.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
