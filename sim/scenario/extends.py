"""``extends:`` chains: a scenario file and the files it starts from, merged into one mapping.

:func:`load_chain` follows ``extends:`` from the file loaded to the root base (at most
``limits.MAX_EXTENDS`` files, no loops), merges them child over base (the rules are in
:mod:`carecap.sim.scenario.loader`), each file's ``set:`` applied right after it
(:mod:`carecap.sim.scenario.set_block`), and :meth:`Chain.locate` says in which file and on which
line a value of the merged mapping is written.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carecap.sim.errors import FileRef, ScenarioError
from carecap.sim.scenario import limits
from carecap.sim.scenario.document import (
    EXTENDS,
    MISSING,
    SET,
    Document,
    Position,
    parse_document,
    read_document,
)
from carecap.sim.scenario.file_text import FileProblem, read_text
from carecap.sim.scenario.set_block import apply_set

_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)"
_DAY_KEY = re.compile(rf"^\s*(?:daily|{_DAY}(?:\s*-\s*{_DAY})?)\s*$", re.IGNORECASE)


def _atomic(value: Any) -> bool:
    """A mapping that is one value (a distribution, a weekly schedule), replaced whole; so is an
    empty mapping, as ``--set PATH={}`` replaces (``hours: {}`` over a base's hours closes)."""
    if not isinstance(value, dict) or not value:
        return True
    if "dist" in value:
        return True
    return bool(value) and all(isinstance(k, str) and _DAY_KEY.match(k) for k in value)


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in child.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(out.get(key), dict) and not _atomic(value):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass
class Chain:
    """A scenario file and the files it extends (``docs[0]`` is the file loaded)."""

    top: Path
    docs: list[Document]
    data: dict[str, Any]
    origins: dict[tuple[str, ...], tuple[Path, Position]] = field(default_factory=dict)
    """Fields given by a ``set:`` entry (concrete paths, list items by index): where the entry
    is written."""

    def locate(self, path: tuple[str, ...]) -> tuple[FileRef, int | None, int | None]:
        """Where the value at ``path`` of the merged data is written (file, line, column)."""
        for k in range(len(path), 0, -1):  # a value set by `set:` (or inside one) is written there
            if path[:k] in self.origins:
                file, (line, column) = self.origins[path[:k]]
                return file, line, column
        candidates = self.docs
        found: tuple[Path, Position | None] = (self.top, None)
        for k in range(1, len(path) + 1):
            prefix = path[:k]
            owner_at = next((i for i, d in enumerate(candidates) if prefix in d.positions), None)
            if owner_at is None:
                break  # not written anywhere (a missing key): point at its parent
            owner = candidates[owner_at]
            found = (owner.path, owner.positions[prefix])
            value = owner.value_at(prefix)
            if _atomic(value):  # the owner's value replaced the bases' whole
                deeper = (path[:j] for j in range(len(path), k, -1))
                hit = next((p for p in deeper if p in owner.positions), None)
                if hit is not None:
                    found = (owner.path, owner.positions[hit])
                break
            # a merged mapping: deeper keys come from the owner or the files it extends, down to
            # the first one whose value here is not merged
            kept = [owner]
            for doc in candidates[owner_at + 1 :]:
                below = doc.value_at(prefix)
                if below is MISSING:
                    continue
                if not isinstance(below, dict):
                    break
                kept.append(doc)
                if _atomic(below):
                    break
            candidates = kept
        file, position = found
        return (file, *position) if position else (file, None, None)


def load_chain(path: Path) -> Chain:
    top = Path(os.path.abspath(path))
    docs = [read_document(top)]
    while True:
        doc = docs[-1]
        target = doc.data.get(EXTENDS, MISSING)
        if target is MISSING or target is None:
            break
        line, column = doc.positions.get((EXTENDS,), (None, None))

        def fail(message: str, doc: Document = doc, line=line, column=column) -> ScenarioError:
            return ScenarioError(
                doc.path, EXTENDS, message, line=line, column=column, loaded_file=top
            )

        if not isinstance(target, str) or not target.strip():
            raise fail(f"got {target!r}; expected the name of a scenario file, e.g. base.yaml")
        if len(docs) >= limits.MAX_EXTENDS:
            raise fail(
                f"the chain of extends is longer than {limits.MAX_EXTENDS} files; "
                "a variant needs one or two"
            )
        try:
            base = Path(os.path.abspath(doc.path.parent / Path(target).expanduser()))
        except (RuntimeError, ValueError) as exc:  # ~user unknown, a NUL in the name
            raise fail(f"got {target!r}, which is not a usable file name ({exc})") from None
        try:
            text = read_text(base)  # first: a symlink loop or a FIFO must not reach resolve()
        except FileProblem as exc:
            raise fail(f"cannot read {target!r} (looked for {base}): {exc.reason}") from None
        try:
            seen = [d.path.resolve() for d in docs]
            resolved = base.resolve()
        except (OSError, RuntimeError) as exc:  # a symlink loop made after reading
            raise fail(f"cannot read {target!r} (looked for {base}): {exc}") from None
        if resolved in seen:
            loop = [d.path for d in docs[seen.index(resolved) :]] + [base]
            names = " -> ".join(Path(os.path.relpath(p, top.parent)).as_posix() for p in loop)
            raise fail(f"the chain of extends loops back on itself: {names}")
        try:
            docs.append(parse_document(base, text))
        except ScenarioError as exc:
            exc.loaded_file = top  # the problem is in the base file, met while loading top
            raise

    # merge from the root base towards the file loaded; each file's `set:` right after it
    origins: dict[tuple[str, ...], tuple[Path, Position]] = {}
    data = copy.deepcopy(_own(docs[-1]))
    apply_set(docs[-1], data, origins, top)
    for doc in reversed(docs[:-1]):
        data = copy.deepcopy(_merge(data, _own(doc)))
        for where in [o for o in origins if _rewritten(doc, o)]:
            del origins[where]
        apply_set(doc, data, origins, top)
    return Chain(top, docs, data, origins)


def _own(doc: Document) -> dict[str, Any]:
    return {k: v for k, v in doc.data.items() if k not in (EXTENDS, SET)}


def _rewritten(doc: Document, path: tuple[str, ...]) -> bool:
    """Whether ``doc`` writes the value at ``path`` itself (or a single value around it), so
    a base's ``set:`` no longer decides it."""
    for k in range(1, len(path) + 1):
        if path[:k] in doc.positions:
            value = doc.value_at(path[:k])
            if k == len(path) or not isinstance(value, dict) or _atomic(value):
                return True
    return False
