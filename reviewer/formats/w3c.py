"""W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/), JSON-LD.

Export: one ``AnnotationCollection`` whose embedded first ``AnnotationPage`` holds one
``Annotation`` per annotation. Every annotation also carries the ``@context`` so that it stays a
valid, self-contained Web Annotation when taken out of the page.

* ``id``: ``urn:uuid:`` IRIs. An annotation id that already is a UUID (or an absolute IRI) is used
  as it is; reviewer's short ids map to a name-based UUID (uuid5), and the id itself is kept in
  ``reviewer:id`` so that import gives it back exactly. An annotation is identified by its
  document and its id: an id found in several documents of the export gets a UUID named after
  both, so no two annotations of a collection share an IRI.
* ``body``: one ``TextualBody`` with purpose ``tagging`` per category (value = category slug), and
  one with purpose ``commenting`` for a non-empty note.
* ``target``: ``source`` is the document's ``file:`` IRI; selectors are a ``TextQuoteSelector``
  (exact, prefix, suffix) and a ``TextPositionSelector`` (start, end in code points).
* What a lossless round trip needs beyond the model is in properties named ``reviewer:...``
  (compact IRIs with an undefined prefix, which JSON-LD keeps as absolute IRIs rather than
  dropping): ``reviewer:id``, ``reviewer:set``, ``reviewer:attributes``, ``reviewer:extra`` on the
  annotation, ``reviewer:document`` and ``reviewer:sha256`` on the target.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from reviewer.formats.common import (
    ExportBundle, ExportDocument, FormatError, ImportedData, check_span, document_id_from, dumps,
    from_jsonable, iso, jsonable, load_json, parse_iso,
)
from reviewer.store import KNOWN_FIELDS, Annotation

NAME = "w3c"
DESCRIPTION = "W3C Web Annotation Data Model (JSON-LD AnnotationCollection)"
EXTENSION = ".jsonld"
FOLDER = False

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
NS = uuid.UUID("2f1c6f7e-6d0b-5d59-9a3e-7e1d3b0a4c11")  # reviewer's namespace for name-based UUIDs
P = "reviewer:"  # prefix of reviewer's own properties
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


# ---------------------------------------------------------------------------------------------
# Export

def annotation_iri(ann_id: str, document: str | None = None) -> str:
    """The annotation's IRI. ``document``: the id repeats in another document of the export, so
    the IRI is named after (document, id), identity in a set being the pair."""
    if document is not None:
        return uuid.uuid5(NS, f"annotation/{document}/{ann_id}").urn
    try:
        return uuid.UUID(ann_id).urn if len(ann_id) in (32, 36) else _named(ann_id)
    except ValueError:
        return ann_id if _IRI.match(ann_id) else _named(ann_id)


def _named(ann_id: str) -> str:
    return uuid.uuid5(NS, "annotation/" + ann_id).urn


def document_iri(doc: ExportDocument) -> str:
    if doc.path is not None:
        return doc.path.resolve().as_uri()
    return uuid.uuid5(NS, "document/" + doc.sha256).urn


def annotation_json(ann: Annotation, doc: ExportDocument, bundle: ExportBundle,
                    repeated: frozenset[str] = frozenset()) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": cat} for cat in ann.categories
    ]
    if ann.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": ann.note,
                     "format": "text/plain"})
    # prefix and suffix always present (empty at the very start or end of the text): a reader
    # can tell "no context" from "context not given".
    quote_selector = {"type": "TextQuoteSelector", "exact": ann.quote, "prefix": ann.prefix, "suffix": ann.suffix}
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "id": annotation_iri(ann.id, doc.id if ann.id in repeated else None),
        "type": "Annotation",
        "motivation": "tagging" if ann.categories else ("commenting" if ann.note else "highlighting"),
    }
    if ann.created is not None:
        out["created"] = iso(ann.created)
    if ann.updated is not None:
        out["modified"] = iso(ann.updated)
    if bundle.annotator:
        out["creator"] = {"type": "Person", "name": bundle.annotator}
    if body:
        out["body"] = body
    out["target"] = {
        "type": "SpecificResource",
        "source": document_iri(doc),
        "selector": [
            quote_selector,
            {"type": "TextPositionSelector", "start": ann.start, "end": ann.end},
        ],
        P + "document": doc.id,
        P + "sha256": doc.sha256,
    }
    out[P + "id"] = ann.id
    out[P + "set"] = bundle.set_name
    if ann.attributes:
        out[P + "attributes"] = jsonable(ann.attributes)
    if ann.extra:
        out[P + "extra"] = jsonable(ann.extra)
    if ann.provenance:
        out[P + "provenance"] = ann.provenance
    return out


def build(bundle: ExportBundle) -> dict[str, Any]:
    owners: dict[str, set[str]] = {}
    for d in bundle.documents:
        for a in d.annotations:
            owners.setdefault(a.id, set()).add(d.id)
    repeated = frozenset(i for i, docs in owners.items() if len(docs) > 1)
    items = [annotation_json(a, d, bundle, repeated) for d in bundle.documents for a in d.annotations]
    collection: dict[str, Any] = {
        "@context": CONTEXT,
        "id": uuid.uuid5(NS, "set/" + bundle.set_name).urn,
        "type": "AnnotationCollection",
        "label": bundle.set_name,
        "total": len(items),
    }
    if bundle.annotator:
        collection["creator"] = {"type": "Person", "name": bundle.annotator}
    collection["generator"] = {"type": "Software", "name": "reviewer"}
    if items:
        collection["first"] = {
            "id": uuid.uuid5(NS, "set/" + bundle.set_name + "/page/0").urn,
            "type": "AnnotationPage",
            "startIndex": 0,
            "items": items,
        }
    collection[P + "set"] = bundle.set_name
    return collection


def export(bundle: ExportBundle) -> str:
    return dumps(build(bundle), indent=2) + "\n"


# ---------------------------------------------------------------------------------------------
# Import

def _types(obj: Any) -> list[str]:
    if not isinstance(obj, dict):
        return []
    t = obj.get("type", obj.get("@type"))
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)] if isinstance(t, list) else []


def sniff(data: Any) -> bool:
    if isinstance(data, list):
        return bool(data) and all("Annotation" in _types(x) for x in data)
    types = _types(data)
    return isinstance(data, dict) and (
        any(t in ("Annotation", "AnnotationPage", "AnnotationCollection") for t in types)
        or (data.get("@context") == CONTEXT or (isinstance(data.get("@context"), list) and CONTEXT in data["@context"]))
    )


def _annotations(data: Any, path: Path) -> list[Any]:
    if isinstance(data, list):
        if data and not any("Annotation" in _types(x) for x in data):
            raise FormatError(path, "not a W3C Web Annotation document (a JSON array with no Annotation in it)")
        return data
    if not isinstance(data, dict):
        raise FormatError(path, "not a W3C Web Annotation document (expected a JSON object)")
    types = _types(data)
    if "AnnotationCollection" in types:
        items: list[Any] = []
        page = data.get("first")
        if page is None:
            if data.get("total", 0) not in (0, None):
                raise FormatError(path, "AnnotationCollection has a total but no first page")
            return items
        seen = 0
        while page is not None:
            if isinstance(page, str):
                raise FormatError(path, f"AnnotationCollection page {page!r} is a link, not embedded; "
                                        "reviewer reads only embedded pages")
            if "AnnotationPage" not in _types(page) or not isinstance(page.get("items"), list):
                raise FormatError(path, "AnnotationCollection's page is not an AnnotationPage with items")
            items.extend(page["items"])
            page = page.get("next")
            seen += 1
            if seen > 100000:
                raise FormatError(path, "AnnotationCollection pages form a loop")
        return items
    if "AnnotationPage" in types:
        if not isinstance(data.get("items"), list):
            raise FormatError(path, "AnnotationPage has no items array")
        return data["items"]
    if "Annotation" in types:
        return [data]
    raise FormatError(path, "not a W3C Web Annotation document (no Annotation, AnnotationPage or "
                            "AnnotationCollection)")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _document_from_source(source: Any) -> tuple[str, str]:
    """(document id, file name) from a target source IRI."""
    if isinstance(source, dict):
        source = source.get("id", "")
    if not isinstance(source, str) or not source:
        return "", ""
    parts = urlsplit(source)
    name = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]) if parts.path else ""
    if not name:
        name = source.rsplit(":", 1)[-1]
    return document_id_from(name), name


def _id_from_iri(iri: str) -> str:
    if iri.lower().startswith("urn:uuid:"):
        return iri[len("urn:uuid:"):]
    return iri


def _text(value: Any, path: Path, where: str, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FormatError(path, f"{where}: {name} must be a string")
    return value


def read(path: Path) -> ImportedData:
    path = Path(path)
    data = load_json(path)
    items = _annotations(data, path)
    result = ImportedData(NAME, path)
    creators = [c for c in (data.get("creator") if isinstance(data, dict) else None,
                            *(i.get("creator") for i in items if isinstance(i, dict)))
                if isinstance(c, dict) and isinstance(c.get("name"), str)]
    result.annotator = creators[0]["name"] if creators else ""
    for n, item in enumerate(items, 1):
        where = f"annotation #{n}"
        if not isinstance(item, dict) or "Annotation" not in _types(item):
            raise FormatError(path, f"{where} is not an Annotation object")
        iri = item.get("id", item.get("@id"))
        own_id = item.get(P + "id")
        if isinstance(own_id, str) and own_id:
            ann_id = own_id
        elif isinstance(iri, str) and iri:
            ann_id = _id_from_iri(iri)
        else:
            raise FormatError(path, f"{where} has no id")
        where = f"annotation #{n} ({ann_id!r})"
        targets = [t for t in _as_list(item.get("target")) if isinstance(t, dict)]
        if not targets:
            raise FormatError(path, f"{where} has no target with selectors (a bare IRI target names no text span)")
        target = targets[0]
        doc_id = target.get(P + "document")
        from_source, source_name = _document_from_source(target.get("source"))
        if not isinstance(doc_id, str) or not doc_id:
            doc_id = from_source
        if not doc_id:
            raise FormatError(path, f"{where}: target has no source naming the document")
        quote_sel = pos_sel = None
        for sel in _as_list(target.get("selector")):
            for s in [sel] + _as_list(sel.get("refinedBy") if isinstance(sel, dict) else None):
                if "TextQuoteSelector" in _types(s) and quote_sel is None:
                    quote_sel = s
                elif "TextPositionSelector" in _types(s) and pos_sel is None:
                    pos_sel = s
        if quote_sel is None and pos_sel is None:
            raise FormatError(path, f"{where}: target has neither a TextQuoteSelector nor a TextPositionSelector")
        needs_document = False
        if pos_sel is not None:
            start, end = check_span(path, where, pos_sel.get("start"), pos_sel.get("end"))
        else:
            start = end = 0
            needs_document = True
        if quote_sel is not None:
            quote = _text(quote_sel.get("exact"), path, where, "exact")
            prefix = _text(quote_sel.get("prefix"), path, where, "prefix")
            suffix = _text(quote_sel.get("suffix"), path, where, "suffix")
            if pos_sel is not None and end - start != len(quote):
                raise FormatError(path, f"{where}: TextPositionSelector {start}-{end} spans {end - start} "
                                        f"characters but the quote has {len(quote)}")
        else:
            quote = prefix = suffix = ""
            needs_document = True
        categories: list[str] = []
        notes: list[str] = []
        bodies = _as_list(item.get("body"))
        if isinstance(item.get("bodyValue"), str):
            bodies.append({"type": "TextualBody", "value": item["bodyValue"]})
        for body in bodies:
            if not isinstance(body, dict):
                continue  # an IRI body names an external resource: nothing to keep as a tag or note
            value = body.get("value")
            if not isinstance(value, str):
                continue
            purposes = _as_list(body.get("purpose"))
            if "tagging" in purposes or (not purposes and item.get("motivation") == "tagging"):
                if value not in categories:
                    categories.append(value)
            else:
                notes.append(value)
        attributes = item.get(P + "attributes", {})
        if not isinstance(attributes, dict):
            raise FormatError(path, f"{where}: {P}attributes must be an object")
        attributes = from_jsonable(attributes, path, f"{where}: {P}attributes")
        extra = item.get(P + "extra", {})
        if not isinstance(extra, dict):
            raise FormatError(path, f"{where}: {P}extra must be an object")
        extra = from_jsonable(extra, path, f"{where}: {P}extra")
        clash = sorted(set(extra) & set(KNOWN_FIELDS))
        if clash:
            raise FormatError(path, f"{where}: {P}extra holds {clash[0]!r}, which is a field of its own, not an "
                                    "unknown key")
        ann = Annotation(
            id=ann_id, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix,
            categories=tuple(categories), note="\n\n".join(notes),
            created=parse_iso(item.get("created"), path, where),
            updated=parse_iso(item.get("modified"), path, where),
            attributes=dict(attributes), extra=dict(extra),
            provenance=_text(item.get(P + "provenance", ""), path, where, P + "provenance"),
        )
        sha = target.get(P + "sha256")
        doc = result.document(doc_id, source=source_name, sha256=sha if isinstance(sha, str) else "")
        doc.annotations.append(ann)
        if needs_document:
            doc.needs_document.append(ann_id)
    return result
