"""Documents: decoding fallbacks, binary refusal, newline normalisation, sha256, folder loading."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.documents import Document, decode, document_paths, load_document, looks_binary, normalise_newlines, text_sha256
from reviewer.inputs import load_documents
from reviewer.errors import DocumentError


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- decoding ---------------------------------------------------------------------------------


def test_utf8_plain(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "a.txt", "Caf\u00e9 \u2014 \U0001f600".encode()))
    assert doc.text == "Caf\u00e9 \u2014 \U0001f600"
    assert doc.warnings == []
    assert doc.id == "a"


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "bom.txt", codecs.BOM_UTF8 + b"Hello"))
    assert doc.text == "Hello"
    assert doc.warnings == []


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text = "Privacy \u00e9\r\nline two\U0001f600"
    doc = load_document(write(tmp_path / "u16.txt", bom + text.encode(codec)))
    assert doc.text == "Privacy \u00e9\nline two\U0001f600"
    assert doc.warnings == []


def test_utf16_bom_but_broken_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "bad16.txt", codecs.BOM_UTF16_LE + b"a\x00\x00\xd8")  # lone surrogate
    with pytest.raises(DocumentError) as err:
        load_document(path)
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_invalid_utf8_falls_back_to_cp1252_with_warning(tmp_path: Path) -> None:
    data = b"Smart quotes: \x93hello\x94 and \x80 sign"
    path = write(tmp_path / "win.txt", data)
    doc = load_document(path)
    assert doc.text == "Smart quotes: \u201chello\u201d and \u20ac sign"
    assert len(doc.warnings) == 1
    warning = doc.warnings[0]
    assert str(path) in warning
    assert "offset 14" in warning  # the first bad byte, 0x93
    assert "cp1252" in warning


def test_first_bad_byte_offset_after_valid_multibyte(tmp_path: Path) -> None:
    data = "\u00e9t\u00e9 ".encode() + b"\xff rest"  # 2+1+2+1 = 6 valid bytes, then 0xff
    doc = load_document(write(tmp_path / "x.txt", data))
    assert "offset 6" in doc.warnings[0]
    assert doc.text.endswith("\u00ff rest")


def test_cp1252_holes_decode_as_latin1(tmp_path: Path) -> None:
    data = b"holes:\x81\x8d\x8f\x90\x9d end \x96"
    doc = load_document(write(tmp_path / "holes.txt", data))
    assert doc.text == "holes:\x81\x8d\x8f\x90\x9d end \u2013"
    assert doc.warnings


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_decode_never_fails_unexpectedly(data: bytes) -> None:
    """Any bytes either decode (with or without a warning) or are refused as a DocumentError."""
    try:
        text, warnings = decode(data, "f.txt")
    except DocumentError as exc:
        assert "f.txt" in str(exc)
        return
    assert isinstance(text, str)
    assert all("f.txt" in w for w in warnings)


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_valid_utf8_round_trips(text: str) -> None:
    data = text.encode("utf-8")
    if looks_binary(data) or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    decoded, warnings = decode(data, "t.txt")
    assert decoded == (text[1:] if text.startswith("\ufeff") else text)
    assert warnings == []


# -- binary refusal ---------------------------------------------------------------------------


def test_nul_bytes_refused_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(DocumentError) as err:
        load_document(path)
    message = str(err.value)
    assert str(path) in message and "binary" in message
    assert "\n" not in message


def test_mostly_control_bytes_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "ctl.txt", bytes(range(1, 9)) * 50 + b"some text")
    with pytest.raises(DocumentError, match="binary"):
        load_document(path)


def test_a_few_control_bytes_are_text(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "esc.txt", b"Red \x1b[31malert\x1b[0m and a bell \x07 here, plenty of text"))
    assert "\x1b[31m" in doc.text  # kept in the text; made inert only for display


@settings(max_examples=300)
@given(st.binary(max_size=9000).filter(lambda b: b"\x00" not in b))
def test_control_byte_share_counted_exactly(data: bytes) -> None:
    """The share of control bytes (tab, newlines, form feed and escape excepted) in the first
    8 KB decides: the same answer as counting them one by one."""
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    assert looks_binary(data) == (bool(sample) and controls / len(sample) > 0.30)


def test_control_bytes_past_the_first_8_kb_do_not_count() -> None:
    assert not looks_binary(b"plain text " * 800 + b"\x01" * 8000)
    assert looks_binary(b"\x01\x02\x03" * 1000 + b"plain text " * 800)


def test_empty_file_is_an_empty_document(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "empty.txt", b""))
    assert doc.text == "" and doc.clauses == () and doc.clause_index_at(0) == -1


def test_missing_file_and_folder_errors(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        load_document(tmp_path / "nope.txt")
    with pytest.raises(DocumentError, match="folder"):
        load_document(tmp_path)


# -- newlines and sha256 ------------------------------------------------------------------------


def test_crlf_and_lone_cr_normalised(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path / "nl.txt", b"one\r\ntwo\rthree\n\r\nfour\r"))
    assert doc.text == "one\ntwo\nthree\n\nfour\n"
    assert doc.sha256 == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


@given(st.text(alphabet=st.sampled_from("ab\r\n \u00e9"), max_size=60))
def test_normalise_newlines_properties(text: str) -> None:
    out = normalise_newlines(text)
    assert "\r" not in out
    assert out.count("\n") == text.count("\n") + text.count("\r") - text.count("\r\n")
    assert normalise_newlines(out) == out


def test_sha256_same_for_crlf_and_lf_files(tmp_path: Path) -> None:
    a = load_document(write(tmp_path / "a.txt", b"x\r\ny\r\n"))
    b = load_document(write(tmp_path / "b.txt", b"x\ny\n"))
    c = load_document(write(tmp_path / "c.txt", codecs.BOM_UTF8 + b"x\ry\r"))
    assert a.sha256 == b.sha256 == c.sha256 == text_sha256("x\ny\n")


def test_sha256_is_of_utf8() -> None:
    doc = Document("d", Path("d.txt"), "\u00e9\U0001f600")
    assert doc.sha256 == hashlib.sha256("\u00e9\U0001f600".encode("utf-8")).hexdigest()


# -- folders ----------------------------------------------------------------------------------


def test_folder_loading_sorted_hidden_ignored_txt_md_only(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "C.TXT", ".hidden.txt", "notes.pdf", "data.json", "z.txt"):
        (tmp_path / name).write_text(f"{name}\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.txt").write_text("x", encoding="utf-8")
    (tmp_path / "folder.txt").mkdir()  # a folder with a document-like name is not a document
    paths, errors = document_paths([tmp_path])
    assert errors == []
    assert [p.name for p in paths] == sorted(["b.txt", "a.md", "C.TXT", "z.txt"])
    docs, errors = load_documents([tmp_path])
    assert [d.id for d in docs] == [p.stem for p in paths]


def test_missing_path_is_an_error_not_an_exception(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text("fine", encoding="utf-8")
    docs, errors = load_documents([tmp_path / "ok.txt", tmp_path / "missing.txt"])
    assert [d.id for d in docs] == ["ok"]
    assert len(errors) == 1 and "missing.txt" in str(errors[0])


def test_bad_file_in_folder_does_not_stop_others(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", b"good")
    write(tmp_path / "b.txt", b"\x00\x01\x02")
    write(tmp_path / "c.txt", b"also good")
    docs, errors = load_documents([tmp_path])
    assert [d.id for d in docs] == ["a", "c"]
    assert len(errors) == 1 and "b.txt" in str(errors[0])


def test_same_stem_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    write(tmp_path / "one" / "p.txt", b"first")
    write(tmp_path / "two" / "p.md", b"second")
    docs, errors = load_documents([tmp_path / "one", tmp_path / "two"])
    assert [d.text for d in docs] == ["first"]
    assert len(errors) == 1 and "same document id" in str(errors[0])


def test_same_file_named_twice_loads_once(tmp_path: Path) -> None:
    write(tmp_path / "p.txt", b"text")
    docs, errors = load_documents([tmp_path / "p.txt", tmp_path])
    assert len(docs) == 1 and errors == []


# -- clause helpers on Document -----------------------------------------------------------------


def test_clause_index_and_overlap() -> None:
    text = "First one. Second one.\n\nThird here."
    doc = Document("d", Path("d.txt"), text)
    starts = [c.start for c in doc.clauses]
    assert len(starts) == 3
    assert doc.clause_index_at(0) == 0
    assert doc.clause_index_at(starts[1]) == 1
    assert doc.clause_index_at(len(text)) == 2
    assert list(doc.clauses_overlapping(0, len(text))) == [0, 1, 2]
    assert list(doc.clauses_overlapping(starts[1], starts[1] + 1)) == [1]
    # the gap between clause 0 and 1 (one space) overlaps no clause
    gap = doc.clauses[0].end
    assert list(doc.clauses_overlapping(gap, gap + 1)) == []


def test_title_is_first_nonblank_line() -> None:
    assert Document("d", Path("d.txt"), "\n\n  Privacy Notice \nbody").title == "Privacy Notice"
    assert Document("d", Path("d.txt"), "   ").title == "d"


@pytest.mark.parametrize("codec, bom", [("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE)])
def test_utf32_with_bom(tmp_path: Path, codec: str, bom: bytes) -> None:
    """UTF-32-LE's mark starts with UTF-16-LE's: it must not be decoded as UTF-16."""
    doc = load_document(write(tmp_path / "u32.txt", bom + "Policy \u00e9\U0001f600".encode(codec)))
    assert doc.text == "Policy \u00e9\U0001f600"


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_device_is_not_a_document() -> None:
    with pytest.raises(DocumentError, match="not a regular file"):
        load_document("/dev/null")
