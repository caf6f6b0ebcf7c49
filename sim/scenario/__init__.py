"""The scenario format: YAML in, a frozen, validated :class:`Scenario` out.

Lives here: the pydantic model (``model``), declared distributions (``distributions``), weekly
schedules (``schedule``), the YAML loader (``loader``): one file as read (``document``),
``extends:`` chains (``extends``), ``set:`` blocks (``set_block``), and its safe YAML 1.2 reader
(``yaml_core``; bounded depth and aliases: ``yaml_bounds``; the file's text, read safely:
``file_text``), every limit on input with its reason (``limits``), the one-paragraph error messages
(``messages``; walking the model along an error's location: ``model_walk``; wording one error:
``wording``), the JSON Schema (``schema``) and the size estimate of a run (``footprint``).
May import: ``carecap.sim.errors``, ``carecap.sim.units`` and third-party libraries only.
"""
