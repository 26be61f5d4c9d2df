"""The gold set adjudication writes: an ordinary set, changed one decision at a time, all or nothing.

Every change (``update``) takes gold's write guard, finishes a step a killed writer left, re-reads
the files it touches (so what another program wrote meanwhile is kept), and writes them in one
step through ``reviewer.transaction``. A gold set that does not exist yet is created by its first
change, with the taxonomy of the set it was adjudicated from. Dismissed disagreements ("take
neither") live in gold's ``set.toml`` as ``[adjudication] neither = [[document, a_id, b_id], ...]``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

try:
    import tomli as tomllib
except ImportError:  # pragma: no cover
    import tomllib  # type: ignore[no-redef]  # stdlib fallback, same API

from reviewer.adjudication import NeitherKey
from reviewer.errors import StoreError
from reviewer.safeio import describe, read_regular
from reviewer.store import (SET_FILE, TAXONOMY_FILE, Annotation, AnnotationFile, AnnotationStore,
                            dump_annotation_file, dumps_toml, parse_annotation_file)
from reviewer.tomlsplice import is_header, lines_of
from reviewer.transaction import commit, recover, set_guard

SECTION = "adjudication"


@dataclass
class GoldState:
    """What gold holds for some documents: annotations per document, and the dismissed keys."""

    annotations: dict[str, list[Annotation]] = field(default_factory=dict)
    neither: set[NeitherKey] = field(default_factory=set)
    exists: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass
class Change:
    """One decision's writes: annotations to add or remove (by id) per document, keys to (un)dismiss."""

    add: dict[str, list[Annotation]] = field(default_factory=dict)
    remove: dict[str, set[str]] = field(default_factory=dict)
    dismiss: set[NeitherKey] = field(default_factory=set)
    undismiss: set[NeitherKey] = field(default_factory=set)

    def inverse(self) -> "Change":
        return Change(add={}, remove={d: {a.id for a in anns} for d, anns in self.add.items()},
                      dismiss=set(self.undismiss), undismiss=set(self.dismiss))

    def __bool__(self) -> bool:
        return bool(any(self.add.values()) or any(self.remove.values()) or self.dismiss or self.undismiss)


def _set_table(root: Path) -> dict:
    """Gold's ``set.toml`` as a table, read like every set file: bounded, never blocking on a FIFO
    or device, a leading BOM accepted (editors on Windows write one)."""
    path = root / SET_FILE
    try:
        data = read_regular(path)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise StoreError(path, describe(exc)) from None
    try:
        return tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise StoreError(path, f"not valid UTF-8 (first bad byte at offset {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(path, f"malformed TOML: {exc}") from None
    except (RecursionError, ValueError):
        raise StoreError(path, "malformed TOML: a value cannot be read") from None


def _neither(table: dict, path: Path) -> set[NeitherKey]:
    raw = table.get(SECTION, {}).get("neither", []) if isinstance(table.get(SECTION), dict) else []
    out: set[NeitherKey] = set()
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item):
            out.add((item[0], item[1], item[2]))
    return out


def read(root: Path | str, documents: Iterable[str]) -> GoldState:
    """Gold's annotations on ``documents`` as in its files (no set yet: empty). Raises StoreError
    for a file that cannot be read: a decision must never be written over it."""
    root = Path(root)
    state = GoldState()
    if not root.exists():
        return state
    store = AnnotationStore.open(root, create=False)
    state.exists = True
    state.warnings = list(store.warnings)
    for doc in documents:
        af = store.load(doc)
        state.annotations[doc] = list(af.annotations) if af else []
    state.neither = _neither(_set_table(root), root / SET_FILE)
    return state


def update(root: Path | str, change: Change, sources: Mapping[str, tuple[str, str]],
           template: Path | str | None = None, versions: Mapping[str, str] | None = None) -> list[Path]:
    """Apply ``change`` to gold, all or nothing. ``sources``: document id -> (file name, sha256) for a
    document gold has no file for yet; ``template``: the set whose taxonomy a new gold set takes;
    ``versions``: document id -> the version of a versioned policy the decisions' offsets refer to
    (a new file records it; a file anchored to another version is refused: never two versions'
    offsets under one header)."""
    versions = versions or {}
    root = Path(root)
    if not change:
        return []
    with set_guard(root):
        recover(root)
        has_meta = os.path.lexists(root / SET_FILE)
        store = AnnotationStore.open(root, create=False) if root.is_dir() else None
        files: dict[str, bytes | None] = {}
        for doc in sorted(set(change.add) | set(change.remove)):
            af = store.load(doc) if store is not None else None
            if af is None:
                source, sha = sources.get(doc, ("", ""))
                af = AnnotationFile(doc, source, sha, version=versions.get(doc, ""))
            elif af.annotations and af.version and versions.get(doc) and af.version != versions[doc]:
                raise StoreError(root / f"{doc}.toml", f"gold's file is anchored to version {af.version}, these "
                                 f"decisions to {versions[doc]}: adjudicate at {af.version} (PATH@{af.version}) or "
                                 "carry gold there first; nothing was written")
            elif not af.annotations and doc in versions:
                af.version, af.source, af.sha256 = versions[doc], *sources.get(doc, (af.source, af.sha256))
            gone = change.remove.get(doc, set())
            added = change.add.get(doc, [])
            replaced = {a.id for a in added}
            af.annotations = [a for a in af.annotations if a.id not in gone and a.id not in replaced] + added
            # the store's splice: only the blocks that changed, a person's comments and layout kept
            text = store.render(af) if store is not None else dump_annotation_file(af)
            path = root / f"{doc}.toml"
            parse_annotation_file(text, path)  # what gold holds must load: refuse before writing
            files[path.name] = text.encode("utf-8")
        table = _set_table(root)
        if change.dismiss or change.undismiss:
            keys = (_neither(table, root / SET_FILE) | change.dismiss) - change.undismiss
            found = table.get(SECTION)
            section: dict[str, Any] = found if isinstance(found, dict) else {}
            section["neither"] = [list(k) for k in sorted(keys)]
            table[SECTION] = section
        if not has_meta:
            fresh = AnnotationStore.open(root, create=True)  # writes set.toml (name, annotator, created)
            if not (root / SET_FILE).exists():
                raise StoreError(root / SET_FILE, "cannot write " + "; ".join(fresh.warnings))
            table = {**_set_table(root), **{k: v for k, v in table.items() if k == SECTION}}
            if template is not None and (Path(template) / TAXONOMY_FILE).is_file():
                try:
                    files[TAXONOMY_FILE] = read_regular(Path(template) / TAXONOMY_FILE)
                except OSError as exc:
                    raise StoreError(Path(template) / TAXONOMY_FILE, describe(exc)) from None
        if change.dismiss or change.undismiss:
            files[SET_FILE] = _with_section(root / SET_FILE, table).encode("utf-8")
        return commit(root, files)


def _with_section(path: Path, table: dict) -> str:
    """``set.toml`` holding ``table``, changing only its ``[adjudication]`` section (replaced, or
    added at the end): the rest of a file a person edited keeps its bytes, comments and BOM. The
    whole file is written in this tool's layout only when that cannot be done exactly."""
    try:
        text = read_regular(path).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return dumps_toml(table)
    section = dumps_toml({SECTION: table[SECTION]})
    lines = lines_of(text)
    header = re.compile(rf"[ \t]*\[[ \t]*{SECTION}[ \t]*\][ \t]*(#.*)?\r?\n?$")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        spliced = text + ("" if not text or text.endswith("\n") else "\n") + "\n" + section
    else:
        end = next((j for j in range(start + 1, len(lines)) if is_header(lines[j])), len(lines))
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1   # the blank lines before the next table stay
        spliced = "".join(lines[:start]) + section + "".join(lines[end:])
    try:
        same = tomllib.loads(spliced.removeprefix("\ufeff")) == table
    except (tomllib.TOMLDecodeError, RecursionError, ValueError):
        same = False
    return spliced if same else dumps_toml(table)


__all__ = ["Change", "GoldState", "read", "update", "SECTION"]
