"""The scenario format: YAML in, a frozen, validated :class:`Scenario` out.

Lives here: the pydantic model (``model``), declared distributions (``distributions``), weekly
schedules (``schedule``), the YAML loader with ``extends:`` (``loader``), the one-paragraph error
messages (``messages``) and the JSON Schema (``schema``).
May import: ``carecap.sim.errors``, ``carecap.sim.units`` and third-party libraries only.
"""
