"""Bounded YAML: documents too deep or too large (aliases expanded) are refused while composing.

Limits (:mod:`carecap.sim.scenario.limits`): nesting at most ``MAX_DEPTH`` deep; at most
``MAX_NODES`` values and ``MAX_TEXT_CHARS`` characters with aliases expanded (a "billion laughs"
document is stopped while composing, before anything is copied). :class:`BoundedComposer` is the
composer of :class:`~carecap.sim.scenario.yaml_core.CoreLoader`; :func:`precheck` counts the
same quickly with libyaml's event parser when PyYAML has it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from carecap.sim.scenario import limits


class LimitExceeded(yaml.MarkedYAMLError):
    """The document is too deep or expands to too many values (an alias bomb)."""


class BoundedComposer(Composer):
    """Builds the node graph, refusing documents too deep or too large with aliases expanded.

    Each node's expanded size (values, characters of text) and height are computed once, when it
    is complete, from its children's; the document's running total grows by 1 for each new node
    and by the expanded size of what an alias refers to for each alias, without copying anything.
    So the check is linear in the text and stops at the first value over the limit: a bomb in
    milliseconds, a huge flat list before PyYAML has parsed all of it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        self._sizes: dict[int, tuple[int, int, int]] = {}  # id(node) -> (values, chars, height)
        self._values = self._chars = 0  # running totals, aliases expanded
        self._aliases = 0  # aliases met so far

    if TYPE_CHECKING:
        # Provided by yaml.parser.Parser, which CoreLoader mixes in before this class (as in
        # PyYAML's own loaders); the stubs of Composer do not declare it.
        def peek_event(self) -> Any: ...

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self._depth >= limits.MAX_DEPTH:
            raise LimitExceeded(
                None,
                None,
                f"the mappings and lists are nested more than {limits.MAX_DEPTH} levels deep; "
                "a scenario needs fewer than ten.",
                self.peek_event().start_mark,
            )
        event = self.peek_event()
        mark = event.start_mark  # of the alias, when the node is one
        is_alias = isinstance(event, AliasEvent)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        assert node is not None  # Composer.compose_node always returns a node (or raises)
        values, chars, height = self._measure(node)
        if is_alias:  # a copy of everything it refers to
            self._aliases += 1
            self._values += values
            self._chars += chars
        else:  # the node itself (its children were counted as they were composed)
            self._values += 1
            self._chars += len(node.value) if isinstance(node, ScalarNode) else 0
        if self._depth + height > limits.MAX_DEPTH:
            raise LimitExceeded(
                None,
                None,
                f"with aliases expanded, the mappings and lists are nested more than "
                f"{limits.MAX_DEPTH} levels deep.",
                mark,
            )
        if self._values > limits.MAX_NODES or self._chars > limits.MAX_TEXT_CHARS:
            what = (
                f"more than {limits.MAX_NODES:,} values"
                if self._values > limits.MAX_NODES
                else f"more than {limits.MAX_TEXT_CHARS:,} characters of text"
            )
            raise LimitExceeded(None, None, _too_many(what, bool(self._aliases)), mark)
        return node

    def _measure(self, node: Node) -> tuple[int, int, int]:
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, ScalarNode):
            out = (1, len(node.value), 0)
        else:
            if isinstance(node, MappingNode):
                children = [n for pair in node.value for n in pair]
            elif isinstance(node, SequenceNode):
                children = list(node.value)
            else:  # pragma: no cover - PyYAML has no other node kinds
                children = []
            # A child not yet measured is the node itself or one around it (an alias inside its
            # own anchor): the loader reports that loop; count it once here.
            parts = [self._sizes.get(id(c), (1, 0, 0)) for c in children]
            out = (
                1 + sum(p[0] for p in parts),
                sum(p[1] for p in parts),
                1 + max((p[2] for p in parts), default=0),
            )
        self._sizes[id(node)] = out
        return out


def _too_many(what: str, aliases: bool) -> str:
    if aliases:
        return (
            f"with its aliases (*name) expanded this document holds {what}; a scenario needs "
            "far fewer (Taiyuan's has about 1,000): is an alias used inside what it refers to, "
            "again and again (an alias bomb)?"
        )
    return (
        f"this document holds {what}; a scenario needs far fewer (Taiyuan's has about 1,000): "
        "is it a data file rather than a scenario?"
    )


def precheck(text: str) -> None:
    """Refuse a document too deep or with too many values (aliases not expanded) quickly.

    PyYAML's pure-Python parser takes seconds over a 1 MiB list; libyaml's event parser (when
    PyYAML was built with it) counts the same in milliseconds. Anything else (aliases expanded,
    syntax errors, which libyaml words differently) is left to :class:`CoreLoader`.

    Raises:
        LimitExceeded: nesting deeper than ``MAX_DEPTH`` or more than ``MAX_NODES`` values.
    """
    if not getattr(yaml, "__with_libyaml__", False):
        return
    depth = values = 0
    # libyaml's events carry yaml._yaml.Mark (with line and column, as yaml.error.Mark, which is
    # all the loader reads): the ignores below are for the stubs of MarkedYAMLError, which admit
    # only yaml.error.Mark.
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > limits.MAX_DEPTH:
                    raise LimitExceeded(
                        None,
                        None,
                        f"the mappings and lists are nested more than {limits.MAX_DEPTH} levels "
                        "deep; a scenario needs fewer than ten.",
                        event.start_mark,  # type: ignore[arg-type]
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            if isinstance(event, NodeEvent) and not isinstance(event, AliasEvent):
                values += 1
                if values > limits.MAX_NODES:
                    what = f"more than {limits.MAX_NODES:,} values"
                    raise LimitExceeded(None, None, _too_many(what, False), event.start_mark)  # type: ignore[arg-type]
    except LimitExceeded:
        raise
    except yaml.YAMLError:
        return
