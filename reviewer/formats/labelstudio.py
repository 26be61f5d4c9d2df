"""Label Studio JSON tasks (https://labelstud.io/guide/task_format): a JSON array, one task per document.

``{"data": {"text": ..., "document": ..., "source": ...}, "annotations": [{"result": [...],
"created_at": ..., "updated_at": ...}]}``. Each annotation is a ``labels`` region
``{"id", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start", "end",
"text", "labels": [...]}}`` (offsets in code points, as Label Studio stores them since 1.6);
a note is a per-region ``textarea`` result with the same region ``id``
(``"value": {"start", "end", "text": [note]}``). The labelling config that shows them:

    <View>
      <Labels name="label" toName="text" choice="multiple"> <Label value="first-party-collection"/> ... </Labels>
      <Text name="text" value="$text"/>
      <TextArea name="note" toName="text" perRegion="true" editable="true"/>
    </View>

Region ids are reviewer's annotation ids, so re-importing merges. Label Studio keeps date-times per
task annotation, not per region: export writes the earliest ``created`` and latest ``updated``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reviewer.formats.common import (
    ExportBundle, FormatError, ImportedData, check_span, dumps, iso, load_json, parse_iso,
)
from reviewer.store import Annotation, context
from reviewer.taxonomy import Taxonomy

NAME = "labelstudio"
DESCRIPTION = "Label Studio JSON tasks (labels regions, per-region notes)"
EXTENSION = ".json"
FOLDER = False
FROM_NAME, TO_NAME, NOTE_NAME = "label", "text", "note"
_ATTR = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


CONFIG_SUFFIX = ".label_config.xml"  # written beside the tasks: tasks.json -> tasks.label_config.xml


def label_config(categories: list[str], taxonomy: Taxonomy | None = None) -> str:
    """The labelling config the tasks need: one ``Label`` per category (value = slug, background =
    the taxonomy's colour), the text, and the per-region note."""
    labels = []
    for c in categories:
        colour = f' background="{taxonomy.colour(c)}"' if taxonomy is not None and c in taxonomy else ""
        labels.append(f'    <Label value="{escape(c, _ATTR)}"{colour}/>')
    body = "\n".join(labels)
    return (f'<View>\n  <Labels name="{FROM_NAME}" toName="{TO_NAME}" choice="multiple">\n{body}\n  </Labels>\n'
            f'  <Text name="{TO_NAME}" value="$text"/>\n'
            f'  <TextArea name="{NOTE_NAME}" toName="{TO_NAME}" perRegion="true" editable="true"/>\n</View>\n')


def companions(bundle: ExportBundle) -> dict[str, str]:
    """Files written beside the output, by suffix: the labelling config, so import needs no hand work."""
    return {CONFIG_SUFFIX: label_config(bundle.categories_used(), bundle.taxonomy)}


def export(bundle: ExportBundle) -> str:
    tasks = []
    for doc in bundle.documents:
        results: list[dict[str, Any]] = []
        for ann in doc.annotations:
            value = {"start": ann.start, "end": ann.end, "text": ann.quote}
            results.append({"id": ann.id, "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels",
                            "value": {**value, "labels": list(ann.categories)}})
            if ann.note:
                results.append({"id": ann.id, "from_name": NOTE_NAME, "to_name": TO_NAME, "type": "textarea",
                                "value": {**value, "text": [ann.note]}})
        annotation: dict[str, Any] = {"result": results, "was_cancelled": False, "ground_truth": False}
        created = [a.created for a in doc.annotations if a.created is not None]
        updated = [a.updated for a in doc.annotations if a.updated is not None]
        if created:
            annotation["created_at"] = iso(min(created))
        if updated:
            annotation["updated_at"] = iso(max(updated))
        tasks.append({
            "data": {"text": doc.text, "document": doc.id, "source": doc.source},
            "annotations": [annotation] if results else [],
        })
    return dumps(tasks, indent=2) + "\n"


def sniff(data: Any) -> bool:
    tasks = data if isinstance(data, list) else [data]
    return bool(tasks) and all(isinstance(t, dict) and isinstance(t.get("data"), dict) for t in tasks)


def read(path: Path) -> ImportedData:
    path = Path(path)
    data = load_json(path)
    if not sniff(data):
        raise FormatError(path, "not Label Studio tasks (expected a JSON array of {\"data\": {\"text\": ...}, ...})")
    tasks = data if isinstance(data, list) else [data]
    result = ImportedData(NAME, path)
    for n, task in enumerate(tasks, 1):
        where = f"task #{n}"
        text = task["data"].get("text")
        if not isinstance(text, str):
            raise FormatError(path, f"{where}: data.text must be the document text (a string)")
        doc_id = task["data"].get("document")
        if not isinstance(doc_id, str) or not doc_id:
            doc_id = f"{path.stem}-{task['id']}" if isinstance(task.get("id"), (int, str)) else f"{path.stem}-{n}"
        if any(d.id == doc_id for d in result.documents):
            raise FormatError(path, f"{where}: document {doc_id!r} appears in two tasks")
        source = task["data"].get("source")
        doc = result.document(doc_id, source=source if isinstance(source, str) else "", text=text)
        annotations = task.get("annotations", [])
        if not isinstance(annotations, list):
            raise FormatError(path, f"{where}: annotations must be an array")
        regions: dict[str, dict[str, Any]] = {}
        for k, completion in enumerate(annotations, 1):
            cwhere = f"{where} annotation #{k}"
            if not isinstance(completion, dict) or not isinstance(completion.get("result", []), list):
                raise FormatError(path, f"{cwhere}: expected an object with a result array")
            created = parse_iso(completion.get("created_at"), path, cwhere)
            updated = parse_iso(completion.get("updated_at"), path, cwhere)
            for r, res in enumerate(completion.get("result", []), 1):
                rwhere = f"{cwhere} result #{r}"
                if not isinstance(res, dict) or res.get("type") not in ("labels", "textarea"):
                    continue  # other result types (choices, relations, ...) carry no span label
                value = res.get("value")
                if not isinstance(value, dict):
                    raise FormatError(path, f"{rwhere}: value must be an object")
                start, end = check_span(path, rwhere, value.get("start"), value.get("end"), len(text))
                rid = res.get("id")
                rid = rid if isinstance(rid, str) and rid else f"{doc_id}-{start}-{end}"
                region = regions.setdefault(rid, {"start": start, "end": end, "labels": [], "notes": [],
                                                  "created": created, "updated": updated})
                if (region["start"], region["end"]) != (start, end):
                    raise FormatError(path, f"{rwhere}: region {rid!r} has two different spans")
                if res["type"] == "labels":
                    quoted = value.get("text")
                    if isinstance(quoted, str) and quoted != text[start:end]:
                        raise FormatError(path, f"{rwhere}: text {quoted[:40]!r} does not match the task text at "
                                                f"{start}-{end}")
                    labels = value.get("labels", [])
                    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
                        raise FormatError(path, f"{rwhere}: labels must be an array of strings")
                    region["labels"].extend(x for x in labels if x not in region["labels"])
                else:
                    notes = value.get("text", [])
                    notes = [notes] if isinstance(notes, str) else notes
                    if not isinstance(notes, list) or not all(isinstance(x, str) for x in notes):
                        raise FormatError(path, f"{rwhere}: textarea text must be an array of strings")
                    region["notes"].extend(notes)
        for rid, region in regions.items():
            quote, prefix, suffix = context(text, region["start"], region["end"])
            doc.annotations.append(Annotation(
                rid, region["start"], region["end"], quote, prefix, suffix, tuple(region["labels"]),
                "\n".join(region["notes"]), region["created"], region["updated"] or region["created"]))
    return result
