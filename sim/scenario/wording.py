"""Wording: one sentence per validation error, naming the bad value and what is allowed.

:func:`show` writes a value as the author would in YAML, :func:`did_you_mean` finds a likely typo,
and :func:`error_message` words one pydantic error at the place a
:class:`~carecap.sim.scenario.model_walk.Walk` found (bounds, allowed keys, distributions, dates).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import reprlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from carecap.sim.scenario.distributions import DIST_NAMES
from carecap.sim.scenario.model_walk import Walk, field_names, is_dist_union, is_model
from carecap.sim.scenario.yaml_core import DATE_EXPECTED, date_reason

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

DIST_EXAMPLE = "{dist: lognormal, mean: 50, sd: 15}"
_NAME_RULE = "names may contain only letters, digits, '_' and '-'"
_QUOTED = re.compile(r"'([^']*)'")


def show(value: Any, limit: int = 60) -> str:
    """A value as the author would write it in YAML, shortened to about ``limit`` characters."""
    if value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, (int, float)):
        text = f"{value:g}" if isinstance(value, float) else str(value)
    elif isinstance(value, (dt.date, dt.datetime)):
        text = value.isoformat()
    else:
        try:
            text = json.dumps(value, default=str, ensure_ascii=False)
        except ValueError:  # a structure that contains itself
            text = reprlib.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    """The closest of ``choices`` to ``word`` (a likely typo), or None when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def _hint(word: str, choices: Sequence[str]) -> str:
    """``"; did you mean 'x'? "`` for the closest of ``choices``, else ``". "``."""
    close = did_you_mean(word, choices)
    return f"; did you mean '{close}'? " if close else ". "


def _number(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def error_message(err: ErrorDetails, walk: Walk) -> str:
    kind: str = err["type"]
    ctx: dict[str, Any] = err.get("ctx") or {}
    value = err.get("input")
    got = f"got {show(value)}"
    last = walk.path[-1] if walk.path else ""

    if kind == "missing":
        return f"the required key '{last}' is missing"
    if kind == "extra_forbidden":
        allowed = field_names(walk.parent) if is_model(walk.parent) else []
        if len(walk.path) == 1 and getattr(walk.parent, "__name__", "") == "Scenario":
            allowed += ["extends", "set"]  # loader keys, removed before validation
        if not allowed:
            return f"unknown key '{last}'"
        return f"unknown key '{last}'{_hint(last, allowed)}Allowed keys here: {', '.join(allowed)}"
    if walk.is_key:
        what = f"the key {show(value)} is not allowed here"
        if kind == "string_pattern_mismatch":
            return f"{what}: {_NAME_RULE}"
        if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            months = any("month" in key for key in walk.path[-2:])
            note = " (months are numbered 1 to 12)" if months else ""
            return f"{what}: it must be {_bound(kind, ctx)}{note}"
        return f"{what}: {_lower(err['msg'])}"
    if kind in ("value_error", "assertion_error"):
        return strip_value_error(err["msg"])
    if kind == "invalid_key":
        return f"the key {show(value)} is not text; keys are names (quote it if need be)"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"{got}, but it must be {_bound(kind, ctx)}"
    if kind in ("int_type", "int_parsing"):
        return f"{got} ({_kind(value)}); expected a whole number"
    if kind == "int_from_float":
        return f"{got}; expected a whole number (no fractional part)"
    if kind in ("float_type", "float_parsing"):
        return f"{got} ({_kind(value)}); expected a number"
    if kind == "finite_number":
        return f"{got}; expected a finite number{_range(walk.constraints)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{got}; expected true or false"
    if kind == "string_type":
        return f"{got} ({_kind(value)}); expected text"
    if kind == "string_pattern_mismatch":
        if isinstance(value, str) and value.isdigit():
            return (
                f"{got}, which is not a valid name here: a shift name must not be digits only "
                "(a key of digits in a dotted path is a list index)"
            )
        return f"{got}, which is not a valid name: {_NAME_RULE}"
    if kind == "string_too_short":
        return f"{got}; it must not be empty"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"{got}; it needs at least {n} entr{'y' if n == 1 else 'ies'}"
    if kind in ("list_type", "tuple_type"):
        return f"{got} ({_kind(value)}); expected a list, e.g. [a, b]"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        if is_dist_union(walk.target):
            return (
                f"{got} ({_kind(value)}); expected a number (a fixed value) or a distribution "
                f"such as {DIST_EXAMPLE}; distributions: {', '.join(DIST_NAMES)}"
            )
        return f"{got} ({_kind(value)}); expected a mapping of keys to values (key: value)"
    if kind == "literal_error":
        allowed = _QUOTED.findall(str(ctx.get("expected", "")))
        hint = _hint(str(value), allowed) if isinstance(value, str) else ". "
        return f"{got}{hint}Allowed: {', '.join(allowed) or ctx.get('expected', '?')}"
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag", value))
        allowed = _QUOTED.findall(str(ctx.get("expected_tags", ""))) or list(DIST_NAMES)
        return f"unknown distribution '{tag}'{_hint(tag, allowed)}Allowed: {', '.join(allowed)}"
    if kind == "union_tag_not_found":
        return (
            f"{got}: a distribution needs a 'dist' key naming one of {', '.join(DIST_NAMES)} "
            f"(e.g. {DIST_EXAMPLE}), or write a bare number for a fixed value"
        )
    if kind.startswith(("date_", "datetime_")):
        # pydantic's own reasons ("input is too short") do not say what is wrong with the text
        reason = date_reason(value) if isinstance(value, str) else ctx.get("error")
        detail = f" ({reason})" if reason else ""
        return f"{got}{detail}; {DATE_EXPECTED}"
    if kind == "recursion_loop":
        return "this value contains itself (a loop of YAML anchors and aliases)"
    return f"{got}; {_lower(err['msg'])}"


def _bound(kind: str, ctx: dict[str, Any]) -> str:
    return {
        "greater_than_equal": lambda: f"at least {_number(ctx.get('ge'))}",
        "greater_than": lambda: f"greater than {_number(ctx.get('gt'))}",
        "less_than_equal": lambda: f"at most {_number(ctx.get('le'))}",
        "less_than": lambda: f"less than {_number(ctx.get('lt'))}",
    }[kind]()


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def strip_value_error(msg: str) -> str:
    for lead in ("Value error, ", "Assertion failed, "):
        if msg.startswith(lead):
            return msg[len(lead) :]
    return msg


def _range(constraints: tuple[Any, ...]) -> str:
    """``" (at least 0 and at most 36,525)"`` for declared bounds, or ``""``."""

    def num(x: Any) -> str:
        if isinstance(x, (int, float)) and float(x).is_integer() and abs(x) < 1e15:
            return f"{int(x):,}"
        return _number(x)

    low = high = None
    for c in constraints:
        if getattr(c, "ge", None) is not None:
            low = f"at least {num(c.ge)}"
        elif getattr(c, "gt", None) is not None:
            low = f"greater than {num(c.gt)}"
        if getattr(c, "le", None) is not None:
            high = f"at most {num(c.le)}"
        elif getattr(c, "lt", None) is not None:
            high = f"less than {num(c.lt)}"
    bounds = [b for b in (low, high) if b]
    return f" ({' and '.join(bounds)})" if bounds else ""
