"""``python -m carecap.sim.cli``: the same as the ``carecap`` command."""

import sys

from carecap.sim.cli.main import main

sys.exit(main())
