"""Reading one YAML file safely: YAML 1.2 core scalars, bounded size, depth and alias expansion.

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

Limits (:mod:`carecap.sim.scenario.limits`) are enforced while reading, so that a hostile or
broken file is refused in well under a second: only regular files (not directories, devices such
as ``/dev/zero`` or FIFOs) of at most ``MAX_FILE_BYTES``; nesting at most ``MAX_DEPTH`` deep;
at most ``MAX_NODES`` values and ``MAX_TEXT_CHARS`` characters with aliases expanded (a
"billion laughs" document is stopped while composing, before anything is copied).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from carecap.sim.scenario import limits

__all__ = ["CoreLoader", "FileProblem", "LimitExceeded", "parse_value", "precheck", "read_text"]

_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
MAX_INT_DIGITS = 100
"""Longer integers are refused while reading (no scenario field holds one; Python's int() also
refuses strings of more than 4,300 digits)."""


class FileProblem(Exception):
    """A file that cannot be read as scenario text; ``str()`` says why (no file name)."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None):
        super().__init__(reason)
        self.reason, self.line, self.column = reason, line, column


class LimitExceeded(yaml.MarkedYAMLError):
    """The document is too deep or expands to too many values (an alias bomb)."""


# --- the file --------------------------------------------------------------------------------


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a directory, not a file"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a regular file"
    return "it is not a regular file"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory, not a file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "its path is a loop of symbolic links"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return (exc.strerror or str(exc)).lower()


def _too_big(size: int) -> str:
    return (
        f"it is {size:,} bytes or more, but a scenario file may be at most "
        f"{limits.MAX_FILE_BYTES:,} bytes ({limits.MAX_FILE_BYTES // 2**20} MiB)"
    )


def read_text(path: Path) -> str:
    """The text of the regular file ``path`` (UTF-8, an optional BOM removed).

    Raises:
        FileProblem: missing, unreadable, not a regular file (a directory, FIFO, device), too
            big, not UTF-8, or holding characters YAML does not allow (a NUL byte).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # non-blocking: opening a FIFO does not wait for a writer
    except OSError as exc:
        raise FileProblem(_os_reason(exc)) from None
    except ValueError:  # e.g. "embedded null byte" in the name
        raise FileProblem("the file name contains a NUL character") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem(_kind(info.st_mode))
        if info.st_size > limits.MAX_FILE_BYTES:
            raise FileProblem(_too_big(info.st_size))
        chunks, size = [], 0
        while size <= limits.MAX_FILE_BYTES:  # a file may grow after fstat: read at most max+1
            chunk = os.read(fd, limits.MAX_FILE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise FileProblem(_os_reason(exc)) from None
    finally:
        os.close(fd)
    if size > limits.MAX_FILE_BYTES:
        raise FileProblem(_too_big(size))
    data = b"".join(chunks)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, column = _line_column(data, exc.start)
        raise FileProblem(
            f"it is not UTF-8 text (bad byte 0x{data[exc.start]:02x} at line {line}, column "
            f"{column}); save it as UTF-8",
            line,
            column,
        ) from None
    bad = Reader.NON_PRINTABLE.search(text)
    if bad is not None:
        line, column = _line_column(text, bad.start())
        char = bad.group()[0]
        name = "a NUL byte" if char == "\0" else f"character U+{ord(char):04X}"
        raise FileProblem(
            f"it holds {name} at line {line}, column {column}, which YAML text may not "
            "contain; is it a binary file?",
            line,
            column,
        )
    return text


def _line_column(text: str | bytes, index: int) -> tuple[int, int]:
    if isinstance(text, str):
        line = text.count("\n", 0, index) + 1
        start = text.rfind("\n", 0, index) + 1
    else:
        line = text.count(b"\n", 0, index) + 1
        start = text.rfind(b"\n", 0, index) + 1
    return line, index - start + 1


# --- YAML 1.2 core scalars -------------------------------------------------------------------


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


# The stubs (types-PyYAML) only admit constructors taking one of PyYAML's own loader classes;
# these take _CoreConstructor, which CoreLoader (below) is.
_CoreConstructor.add_constructor("tag:yaml.org,2002:bool", _CoreConstructor.construct_yaml_bool)  # type: ignore[type-var]
_CoreConstructor.add_constructor("tag:yaml.org,2002:int", _CoreConstructor.construct_yaml_int)  # type: ignore[type-var]
_CoreConstructor.add_constructor("tag:yaml.org,2002:float", _CoreConstructor.construct_yaml_float)  # type: ignore[type-var]


# --- bounded composition ---------------------------------------------------------------------


class _BoundedComposer(Composer):
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


class CoreLoader(Reader, Scanner, Parser, _BoundedComposer, _CoreConstructor, _CoreResolver):
    """A safe YAML loader: YAML 1.2 core scalars, dates, bounded depth and alias expansion."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _BoundedComposer.__init__(self)
        _CoreConstructor.__init__(self)
        _CoreResolver.__init__(self)


def parse_value(text: str) -> Any:
    """One value written in YAML (a scalar or a flow collection such as ``[1, 2]`` or
    ``{dist: fixed, value: 3}``), read as scenario files are: YAML 1.2 core scalars, plain data
    only, bounded. An empty text is null.

    Raises:
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
        raise ValueError(f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid YAML: {exc}".replace("\n", " ")) from None
    finally:
        loader.dispose()
