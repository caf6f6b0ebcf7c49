"""The safe YAML loader of scenario files: YAML 1.2 core scalars, plain data only, bounded.

PyYAML resolves plain scalars by YAML 1.1, where ``yes``/``no``/``on``/``off`` are booleans,
``1:30`` is the number 90 and ``017`` is octal. In a scenario that turns ``horizon_days: yes``
into 1 and a district named ``no`` into ``false``. Scenario files are read with the YAML 1.2 core
schema instead:

* ``true``/``false`` (also ``True``, ``TRUE``, ...) are booleans; ``yes``, ``no``, ``on``, ``off``,
  ``y``, ``n`` are text, so a wrong type is reported as such;
* integers are decimal (``017`` is 17), ``0o17`` octal or ``0x1F`` hexadecimal; ``1:30`` and
  ``1_000`` are text;
* floats are ``1.5``, ``1e-6``, ``.5``, ``.inf``, ``.nan`` (the model then refuses non-finite
  numbers with a clear message);
* ``null``, ``~`` and an empty value are null;
* dates ``YYYY-MM-DD`` (and timestamps) stay dates, as before: ``calendar.start_date`` uses them;
* ``<<`` merge keys keep working.

Reading the file and the limits on it are in :mod:`carecap.sim.scenario.file_text`; the limits
on depth and alias expansion in :mod:`carecap.sim.scenario.yaml_bounds`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from carecap.sim.scenario import limits
from carecap.sim.scenario.yaml_bounds import BoundedComposer, precheck

__all__ = ["DATE_EXPECTED", "CoreLoader", "ImpossibleValue", "date_reason", "parse_value"]

DATE_EXPECTED = "expected a date written as YYYY-MM-DD, e.g. 2022-01-01"
_DATE_START = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class ImpossibleValue(ValueError):
    """Well-formed YAML holding a value that cannot be (a 30 February, a whole number of 500
    digits): the message names the value and says why, without calling the YAML invalid."""


def date_reason(text: str) -> str:
    """Why ``text`` is not a date: the calendar's reason (``day is out of range for month``) when
    it starts as ``YYYY-MM-DD``, else that it is not written that way."""
    match = _DATE_START.match(text)
    if match:
        try:
            dt.date(*(int(part) for part in match.groups()))
        except ValueError as exc:
            return str(exc)
    return "not written as YYYY-MM-DD"


_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
MAX_INT_DIGITS = 100
"""Longer integers are refused while reading (no scenario field holds one; Python's int() also
refuses strings of more than 4,300 digits)."""


class _CoreResolver(BaseResolver):
    """Implicit tags of the YAML 1.2 core schema (plus dates and ``<<`` merge keys)."""


_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_CoreResolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
_CoreResolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(
        r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
         (?:[Tt]|[ \t]+)[0-9][0-9]?
         :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
         (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""",
        re.X,
    ),
    list("0123456789"),
)


class _CoreConstructor(SafeConstructor):
    """Plain data only; numbers and booleans as the YAML 1.2 core schema writes them."""

    def construct_yaml_bool(self, node: ScalarNode) -> bool:
        value = self.construct_scalar(node)
        if value.lower() not in ("true", "false"):
            raise ConstructorError(
                None, None, f"{value!r} is not a boolean: write true or false", node.start_mark
            )
        return value.lower() == "true"

    def construct_yaml_int(self, node: ScalarNode) -> int:
        value = self.construct_scalar(node)
        if not _INT.match(value):
            raise ConstructorError(None, None, f"{value!r} is not a whole number", node.start_mark)
        if len(value) > MAX_INT_DIGITS:
            raise ConstructorError(
                None,
                None,
                f"a whole number of {len(value):,} digits is far too large (at most "
                f"{MAX_INT_DIGITS} digits)",
                node.start_mark,
            )
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value, 10)

    def construct_yaml_float(self, node: ScalarNode) -> float:
        value = self.construct_scalar(node)
        if not _FLOAT.match(value) and not _INT.match(value):
            raise ConstructorError(None, None, f"{value!r} is not a number", node.start_mark)
        text = value.lower()
        if text.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        if text == ".nan":
            return float("nan")
        return float(int(text, 0)) if text.startswith(("0o", "0x")) else float(text)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:  # e.g. 2022-02-30 matches the date pattern but is no date
            value = self.construct_scalar(node)
            raise ConstructorError(
                None,
                None,
                f"got {value!r} ({date_reason(value)}); {DATE_EXPECTED}",
                node.start_mark,
            ) from None


# The stubs (types-PyYAML) only admit constructors taking one of PyYAML's own loader classes;
# these take _CoreConstructor, which CoreLoader (below) is.
_CoreConstructor.add_constructor("tag:yaml.org,2002:bool", _CoreConstructor.construct_yaml_bool)  # type: ignore[type-var]
_CoreConstructor.add_constructor("tag:yaml.org,2002:int", _CoreConstructor.construct_yaml_int)  # type: ignore[type-var]
_CoreConstructor.add_constructor("tag:yaml.org,2002:float", _CoreConstructor.construct_yaml_float)  # type: ignore[type-var]
_CoreConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", _CoreConstructor.construct_yaml_timestamp
)  # type: ignore[type-var]


class CoreLoader(Reader, Scanner, Parser, BoundedComposer, _CoreConstructor, _CoreResolver):
    """A safe YAML loader: YAML 1.2 core scalars, dates, bounded depth and alias expansion."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        BoundedComposer.__init__(self)
        _CoreConstructor.__init__(self)
        _CoreResolver.__init__(self)


def parse_value(text: str) -> Any:
    """One value written in YAML (a scalar or a flow collection such as ``[1, 2]`` or
    ``{dist: fixed, value: 3}``), read as scenario files are: YAML 1.2 core scalars, plain data
    only, bounded. An empty text is null.

    Raises:
        ImpossibleValue: the text is a YAML value that cannot be (a 30 February).
        ValueError: the text is not one YAML value (the message says why).
    """
    if "\n" in text or "\r" in text:
        raise ValueError("a value is one line of YAML")
    if len(text) > limits.MAX_FILE_BYTES:
        raise ValueError("the value is too long")
    loader = CoreLoader(text)
    try:
        precheck(text)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem or exc.context or "cannot be parsed"
        if "could not determine a constructor" in problem:
            problem = "YAML tags are not allowed: plain data only"
        elif isinstance(exc, ConstructorError):
            raise ImpossibleValue(problem) from None
        raise ValueError(f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {exc}".replace("\n", " ")) from None
    finally:
        loader.dispose()
