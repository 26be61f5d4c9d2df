"""Export an annotation set over some documents to one of the formats in ``reviewer.formats``.

Pure functions over the store, shared by ``reviewer export`` and the app's export dialog:
``collect()`` re-anchors each document's annotations against its current text (exactly as
loading does), ``render()`` turns that into the format's text (or a folder of files), and
``write_output()`` writes it (``reviewer.outfile``: never over an input or into the set).
Orphaned annotations cannot be placed in the current text, so they are left out of the export and
reported (they stay in the set).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from reviewer import formats
from reviewer.annotated import load_annotated
from reviewer.documents import Document
from reviewer.errors import ReviewerError, StoreError
from reviewer.formats.common import ExportBundle, ExportDocument, Output
from reviewer.outfile import check_targets, write_target
from reviewer.store import Annotation, AnnotationStore

Progress = Callable[[int, int], None]


@dataclass
class ExportResult:
    format: str
    output: Output
    bundle: ExportBundle
    warnings: list[str] = field(default_factory=list)
    left_out: list[tuple[str, Annotation]] = field(default_factory=list)  # (document id, orphan)
    errors: list[StoreError] = field(default_factory=list)               # unreadable set files
    not_written: list[tuple[str, str, str]] = field(default_factory=list)  # (document, id, why): format can't
    inputs: list[Path] = field(default_factory=list)                    # the documents read
    set_root: Path | None = None

    @property
    def count(self) -> int:
        """How many annotations the output holds: every placed one the format could write."""
        return self.bundle.count - len(self.not_written)

    @property
    def companions(self) -> dict[str, str]:
        """Files the format writes beside a one-file output, by suffix (Label Studio's labelling config)."""
        module = formats.get(self.format)
        return module.companions(self.bundle) if hasattr(module, "companions") else {}

    def write(self, out: Path | str) -> list[Path]:
        """Write the output to ``out`` (and its companions beside it: ``companion_path``), never over
        an input document nor inside the set. Every path is checked before the first is written."""
        beside_a_file = not Path(out).exists() or Path(out).is_file()  # not beside a pipe or a device
        extra = {companion_path(out, suffix): text for suffix, text in self.companions.items()} if beside_a_file else {}
        if extra and isinstance(self.output, str):
            check_targets(list(extra), self.inputs, self.set_root)
        written = write_output(self.output, out, inputs=self.inputs, set_root=self.set_root)
        if isinstance(self.output, str):
            for path, text in extra.items():
                write_target(path, text)
                written.append(path)
        return written


def companion_path(out: Path | str, suffix: str) -> Path:
    """``tasks.json`` + ``.label_config.xml`` -> ``tasks.label_config.xml`` (beside it)."""
    out = Path(out)
    return out.with_name((out.stem if out.suffix else out.name) + suffix)


def collect(documents: Iterable[Document], store: AnnotationStore, progress: Progress | None = None
            ) -> tuple[ExportBundle, list[str], list[tuple[str, Annotation]], list[StoreError]]:
    docs = list(documents)
    bundle = ExportBundle(store.meta.name, store.meta.annotator, store.taxonomy)
    warnings: list[str] = []
    left_out: list[tuple[str, Annotation]] = []
    errors: list[StoreError] = []
    for n, doc in enumerate(docs, 1):
        ad = load_annotated(store, doc)
        if ad.error is not None:
            errors.append(ad.error)
        for orphan in ad.orphans:
            left_out.append((doc.id, orphan))
            warnings.append(f"{store.path_for(doc.id)}: annotation {orphan.id!r} is orphaned (its quote is "
                            "no longer in the document): left out of the export, kept in the set")
        bundle.documents.append(ExportDocument(doc.id, doc.path.name, doc.path, doc.text, doc.sha256,
                                               ad.annotations))
        if progress is not None:
            progress(n, len(docs))
    return bundle, warnings, left_out, errors


def render(bundle: ExportBundle, fmt: str) -> tuple[Output, list[str]]:
    module = formats.get(fmt)
    if hasattr(module, "export_files"):
        return module.export_files(bundle)
    return module.export(bundle), []


def export_set(documents: Iterable[Document], store: AnnotationStore, fmt: str,
               progress: Progress | None = None) -> ExportResult:
    formats.get(fmt)  # unknown format: ValueError before any work
    documents = list(documents)
    bundle, warnings, left_out, errors = collect(documents, store, progress)
    output, more = render(bundle, fmt)
    module = formats.get(fmt)
    not_written = module.left_out(bundle) if hasattr(module, "left_out") else []
    more += [f"{doc}: annotation {ann_id!r} {why} (left out of the export, kept in the set)"
             for doc, ann_id, why in not_written]
    return ExportResult(fmt, output, bundle, warnings + more, left_out, errors, not_written,
                        [d.path for d in documents], store.root)


def write_output(output: Output, out: Path | str, *, inputs: Iterable[Path] = (),
                 set_root: Path | None = None) -> list[Path]:
    """Write one file, or a folder's files, by ``reviewer.outfile``'s rules: never over an input
    document or inside the set (``inputs``, ``set_root``), through a pipe or a device, at a link's
    target, else atomically. Every target is checked before the first is written.

    Raises ReviewerError naming the path when it cannot be written.
    """
    out = Path(out)
    inputs = list(inputs)
    if isinstance(output, str):
        if out.is_dir():
            raise ReviewerError(out, "is a folder; give a file name for this format")
        check_targets([out], inputs, set_root)
        _ensure_folder(out.parent)
        write_target(out, output)
        return [out]
    if out.exists() and not out.is_dir():
        raise ReviewerError(out, "exists and is not a folder (this format writes a folder)")
    targets = [out / name for name in output]
    check_targets([out, *targets], inputs, set_root)
    _ensure_folder(out)
    for target, text in zip(targets, output.values()):
        write_target(target, text)
    return targets


def _ensure_folder(folder: Path) -> None:
    if str(folder) in ("", "."):
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReviewerError(folder, f"cannot create folder ({exc.strerror or exc})") from None


def default_name(set_name: str, fmt: str) -> str:
    """A file (or folder) name for the export, e.g. ``default.jsonld`` or ``default-brat``."""
    module = formats.get(fmt)
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in set_name).strip(".-") or "annotations"
    return f"{safe}-{fmt}" if module.FOLDER else safe + (module.EXTENSION if fmt != "doccano" else ".doccano.jsonl")


__all__ = ["ExportResult", "companion_path", "collect", "render", "export_set", "write_output", "default_name"]
