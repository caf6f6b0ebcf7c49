"""Regenerate the golden back-test's expected results, on purpose.

Run after a deliberate change to the model's numbers, and commit the JSON in the same commit:

    python tests/golden/regenerate.py

A refactor must not need this: ``tests/test_golden.py`` failing after a refactor is a bug.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from golden import GOLDEN_FILE, fingerprint

if __name__ == "__main__":
    GOLDEN_FILE.write_text(json.dumps(fingerprint(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN_FILE}")
