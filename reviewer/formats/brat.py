"""brat standoff (https://brat.nlplab.org/standoff.html): a folder brat can open as a collection.

* ``<doc>.txt``: the document's normalised text, UTF-8 without a BOM, LF line ends, so that brat's
  character offsets (code points, as its Python server counts them) equal reviewer's.
* ``<doc>.ann``: for each annotation, one ``T`` line per category,
  ``T1<TAB>category START END<TAB>text``. A span that crosses a line break is written as brat
  writes discontinuous spans, fragments ``START END;START END`` split at the line breaks (brat
  reads ``.ann`` files line by line, so the text field may hold none), the text field being the
  fragments joined by one space, exactly what brat's parser compares it with. A note becomes
  ``#1<TAB>AnnotatorNotes T1<TAB>note`` on the first ``T`` of the annotation; line breaks and
  backslashes in a note are escaped as ``\\n``, ``\\r``, ``\\uXXXX`` and ``\\\\``.
* ``annotation.conf``: one entity type per category (brat type names allow only
  ``[A-Za-z0-9_-]``; taxonomy slugs already do) and an ``<OVERLAP>`` rule allowing any span
  overlap, without which brat refuses two categories on one span.
* ``visual.conf``: category names as labels and taxonomy colours.

brat has no annotation ids: reading back groups ``T`` lines with the same span into one
annotation, whose id is the matching annotation already in the set (same span) or a new one.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewer.documents import normalise_newlines
from reviewer.formats.common import ExportBundle, FormatError, ImportedData, check_span, decode_text
from reviewer.safeio import describe, read_regular
from reviewer.store import Annotation

NAME = "brat"
DESCRIPTION = "brat standoff folder (.txt + .ann per document, annotation.conf, visual.conf)"
EXTENSION = ""
FOLDER = True

# Characters str.splitlines() breaks on: brat's reader (codecs readlines) splits .ann lines there.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_BREAK_RE = re.compile("[" + re.escape(LINE_BREAKS) + "]")
_TYPE_BAD = re.compile(r"[^A-Za-z0-9_-]")
_UNESCAPE = re.compile(r"\\(\\|n|r|u[0-9a-fA-F]{4})")


def type_name(category: str) -> str:
    """brat's storage form of a type name (normalize_to_storage_form): [A-Za-z0-9_-] only."""
    name = _TYPE_BAD.sub("_", category.replace(" ", "_"))
    return name or "_"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span cut at line breaks: non-empty pieces that contain none."""
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in _BREAK_RE.finditer(text, start, end):
        if m.start() > pos:
            pieces.append((pos, m.start()))
        pos = m.end()
    if pos < end:
        pieces.append((pos, end))
    if not pieces and start == end:
        pieces.append((start, end))
    return pieces


def escape_note(note: str) -> str:
    out = []
    for ch in note:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch in LINE_BREAKS:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def unescape_note(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        code = m.group(1)
        if code == "\\":
            return "\\"
        if code == "n":
            return "\n"
        if code == "r":
            return "\r"
        return chr(int(code[1:], 16))
    return _UNESCAPE.sub(repl, text)


def ann_file(text: str, annotations: list[Annotation], warnings: list[str], doc_id: str) -> str:
    lines: list[str] = []
    t = note_n = 0
    for ann in annotations:
        pieces = fragments(text, ann.start, ann.end)
        if not pieces:
            continue  # covers only line breaks: reported by left_out()
        spans = ";".join(f"{s} {e}" for s, e in pieces)
        shown = " ".join(text[s:e] for s, e in pieces)
        first = None
        for cat in ann.categories or ("annotation",):
            t += 1
            first = first or f"T{t}"
            lines.append(f"T{t}\t{type_name(cat)} {spans}\t{shown}")
        if ann.note:
            note_n += 1
            lines.append(f"#{note_n}\tAnnotatorNotes {first}\t{escape_note(ann.note)}")
    return "".join(line + "\n" for line in lines)


def _conf_label(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def annotation_conf(bundle: ExportBundle) -> str:
    types = list(dict.fromkeys(type_name(c) for c in bundle.categories_used()))
    if "annotation" not in types and any(not a.categories for d in bundle.documents for a in d.annotations):
        types.append("annotation")  # the type of an annotation without categories
    lines = [
        f"# brat configuration written by reviewer for the annotation set {_conf_label(bundle.set_name)!r}.",
        "# One entity type per category.",
        "[entities]",
        *types,
        "",
        "[relations]",
        "# Any two annotations may share, contain or cross spans: reviewer lets one span carry",
        "# several categories and spans overlap.",
        "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        "",
        "[attributes]",
        "",
    ]
    return "\n".join(lines)


def visual_conf(bundle: ExportBundle) -> str:
    labels, drawing = [], []
    for slug in bundle.categories_used():
        name = type_name(slug)
        cat = bundle.taxonomy.get(slug)
        label = _conf_label(cat.name) if cat else name
        labels.append(f"{name} | {label}" if label and label != name else name)
        if cat:
            drawing.append(f"{name}\tbgColor:{cat.colour}")
    return "\n".join(["[labels]", *labels, "", "[drawing]", *drawing, ""]) + "\n"


def left_out(bundle: ExportBundle) -> list[tuple[str, str, str]]:
    """(document, annotation id, why) for each annotation brat cannot hold, so not written."""
    return [(doc.id, ann.id, "covers only line breaks; brat cannot show it")
            for doc in bundle.documents for ann in doc.annotations if not fragments(doc.text, ann.start, ann.end)]


def export_files(bundle: ExportBundle) -> tuple[dict[str, str], list[str]]:
    files: dict[str, str] = {}
    warnings: list[str] = []
    renamed = {c: type_name(c) for c in bundle.categories_used() if type_name(c) != c}
    for c, n in renamed.items():
        warnings.append(f"category {c!r} is written as brat type {n!r} (brat allows only letters, digits, _ and -)")
    for doc in bundle.documents:
        files[f"{doc.id}.txt"] = doc.text
        files[f"{doc.id}.ann"] = ann_file(doc.text, doc.annotations, warnings, doc.id)
    files["annotation.conf"] = annotation_conf(bundle)
    files["visual.conf"] = visual_conf(bundle)
    return files, warnings


def export(bundle: ExportBundle) -> dict[str, str]:
    return export_files(bundle)[0]


# ---------------------------------------------------------------------------------------------
# Import

def _read(path: Path) -> str:
    try:
        data = read_regular(path)   # a FIFO or a device in the folder is refused, never waited on
    except OSError as exc:
        raise FormatError(path, describe(exc)) from None
    return decode_text(data, path, json_text=False)


def read(path: Path) -> ImportedData:
    path = Path(path)
    if not path.is_dir():
        raise FormatError(path, "the brat format is a folder of .txt and .ann files")
    anns = sorted(p for p in path.glob("*.ann") if not p.name.startswith("."))
    if not anns:
        raise FormatError(path, "no .ann files: not a brat folder")
    result = ImportedData(NAME, path)
    for ann_path in anns:
        txt_path = ann_path.with_suffix(".txt")
        if not txt_path.is_file():
            raise FormatError(ann_path, f"has no {txt_path.name} beside it")
        text = normalise_newlines(_read(txt_path))
        doc = result.document(ann_path.stem, source=txt_path.name, text=text, ids_given=False)
        spans: dict[tuple[tuple[int, int], ...], list[str]] = {}
        by_t: dict[str, tuple[tuple[int, int], ...]] = {}
        notes: dict[tuple[tuple[int, int], ...], list[str]] = {}
        pending_notes: list[tuple[int, str, str]] = []
        skipped = 0
        for n, line in enumerate(normalise_newlines(_read(ann_path)).split("\n"), 1):
            if not line.strip():
                continue
            where = f"line {n}"
            if "\t" not in line:
                raise FormatError(ann_path, f"{where}: not a brat standoff line (no tab after the id)")
            ident, rest = line.split("\t", 1)
            if ident.startswith("T"):
                data, _, shown = rest.partition("\t")
                try:
                    type_, span_text = data.split(" ", 1)
                    frags = []
                    for piece in span_text.split(";"):
                        first, last = piece.split()
                        frags.append((int(first), int(last)))
                except ValueError:
                    raise FormatError(ann_path, f"{where}: {ident} is not 'TYPE START END'") from None
                for s, e in frags:
                    check_span(ann_path, f"{where} ({ident})", s, e, len(text))
                ref = " ".join(text[s:e] for s, e in frags)
                if shown and shown[: len(ref)] != ref:
                    raise FormatError(ann_path, f"{where}: {ident} text does not match {txt_path.name} at "
                                                f"{frags[0][0]}-{frags[-1][1]}")
                key = tuple(frags)
                by_t[ident] = key
                cats = spans.setdefault(key, [])
                if type_ not in cats:
                    cats.append(type_)
            elif ident.startswith("#"):
                data, _, note = rest.partition("\t")
                fields = data.split()
                if len(fields) == 2 and fields[0] == "AnnotatorNotes":
                    pending_notes.append((n, fields[1], unescape_note(note)))
                else:
                    skipped += 1
            else:
                skipped += 1  # relations, events, attributes, normalisations: no reviewer equivalent
        for n, target, note in pending_notes:
            if target in by_t:
                notes.setdefault(by_t[target], []).append(note)
            else:
                result.warnings.append(f"{ann_path}: line {n}: note on {target}, which is not a text span here "
                                       "(ignored)")
        if skipped:
            result.warnings.append(f"{ann_path}: {skipped} line(s) other than text spans and notes ignored")
        for key, cats in spans.items():
            # brat lists fragments in any order: the annotation spans from the first to the last
            start, end = min(s for s, _ in key), max(e for _, e in key)
            if cats == ["annotation"]:
                cats = []  # reviewer's type for an annotation without categories
            note = "\n\n".join(dict.fromkeys(x for x in notes.get(key, []) if x))
            doc.annotations.append(Annotation.create(text, start, end, cats, note, id=""))
    return result
