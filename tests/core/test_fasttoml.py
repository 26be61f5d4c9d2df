"""The fast reader of reviewer's own annotation files reads exactly what tomli reads, or leaves the text to tomli."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

try:
    import tomli as tomllib
except ModuleNotFoundError:  # pragma: no cover
    import tomllib  # type: ignore[no-redef]  # the stdlib parser where tomli is absent

from reviewer import fasttoml
from reviewer.errors import StoreError
from reviewer.store import Annotation, AnnotationFile, dump_annotation_file, parse_annotation_file

utc_times = st.none() | st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                                     timezones=st.just(timezone.utc) | st.just(timezone(timedelta(hours=-3))))
words = st.text(max_size=12)


@st.composite
def annotations(draw, i: int, plain: bool) -> Annotation:
    start = draw(st.integers(0, 10**6))
    ann = Annotation(draw(st.text(min_size=1, max_size=6)) + str(i), start, start + draw(st.integers(0, 10**4)),
                     draw(words), draw(words), draw(words), tuple(draw(st.lists(words, max_size=3, unique=True))),
                     draw(words), draw(utc_times), draw(utc_times),
                     provenance=draw(st.sampled_from(["", "agreed"]) | words))
    if not plain:
        ann = Annotation(**{**ann.__dict__, "attributes": draw(st.dictionaries(st.sampled_from(["r"]), words, max_size=1)),
                            "extra": draw(st.dictionaries(st.sampled_from(["x"]), st.integers(), max_size=1))})
    return ann


@st.composite
def files(draw, plain: bool = True) -> AnnotationFile:
    anns = [draw(annotations(i, plain)) for i in range(draw(st.integers(0 if not plain else 1, 4)))]
    return AnnotationFile(draw(st.text(min_size=1, max_size=8)), draw(words), draw(words), anns,
                          version=draw(st.sampled_from(["", "2026-01-01"]) | words))


@settings(max_examples=300, deadline=None)
@given(files())
def test_every_file_the_writer_produces_is_read_fast_and_as_tomli_reads_it(af: AnnotationFile) -> None:
    text = dump_annotation_file(af)
    fast = fasttoml.loads(text)
    assert fast is not None
    assert fast == tomllib.loads(text)
    assert all(type(a.get("created")) in (datetime, type(None)) for a in fast["annotation"])


@settings(max_examples=100, deadline=None)
@given(files(plain=False))
def test_files_with_other_keys_are_read_as_tomli_reads_them_or_left_to_it(af: AnnotationFile) -> None:
    text = dump_annotation_file(af)
    fast = fasttoml.loads(text)
    assert fast is None or fast == tomllib.loads(text)
    assert parse_annotation_file(text, Path("f.toml")) == _tomli_parse(text)


ODD = ['"', "\\", "\n", "\r\n", " ", "\t", "#", "=", "[", "]", "Z", "z", "t", ".", "-", "0", "9", "\x01", "\x7f",
       "\\u", "\\ud800", "\\uDC00", "\\udfff", "\\ud7ff", "\\ue000", "\\e", "\\x41", "\\U0001F600", "'", "\u00e9", "1_0", "+", "__", "[[annotation]]\n"]


@settings(max_examples=400, deadline=None)
@given(files(), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 3), st.sampled_from(ODD)), min_size=1, max_size=3))
def test_any_edit_of_such_a_file_is_read_as_tomli_reads_it_and_a_malformed_one_gets_tomlis_error(
        af: AnnotationFile, edits: list[tuple[int, int, str]]) -> None:
    text = dump_annotation_file(af)
    for at, cut, insert in edits:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + cut:]
    fast = fasttoml.loads(text)
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        assert fast is None
        with pytest.raises(StoreError) as raised:
            parse_annotation_file(text, Path("f.toml"))
        assert str(raised.value).endswith(f"malformed TOML: {exc}")
        return
    assert fast is None or fast == expected


def _tomli_parse(text: str) -> AnnotationFile:
    """What the store read before the fast reader existed: tomli for every file."""
    original = fasttoml.loads
    fasttoml.loads = lambda _text: None
    try:
        return parse_annotation_file(text, Path("f.toml"))
    finally:
        fasttoml.loads = original


HEAD = 'schema = 1\ndocument = "d"\nsource = ""\nsha256 = ""\n\n[[annotation]]\nid = "a"\nstart = 0\nend = 1\n' \
       'quote = "q"\nprefix = ""\nsuffix = ""\ncategories = []\nnote = ""\n'


@pytest.mark.parametrize("stamp", ["2026-01-02T03:04:05Z", "2026-01-02T03:04:05.5Z", "2026-01-02T03:04:05.12Z",
                                   "2026-01-02T03:04:05.1234Z", "2026-01-02T03:04:05.123456Z",
                                   "2026-01-02T03:04:05.1234567Z", "2026-01-02t03:04:05Z", "2026-01-02 03:04:05z"])
def test_fractions_of_a_second_and_other_spellings_of_a_time_read_as_tomli_reads_them(stamp: str) -> None:
    text = HEAD + f"created = {stamp}\n"
    assert tomllib.loads(text)["annotation"][0]["created"].tzinfo is timezone.utc
    assert (fasttoml.loads(text) or tomllib.loads(text)) == tomllib.loads(text)
    assert parse_annotation_file(text, Path("f.toml")) == _tomli_parse(text)


@pytest.mark.parametrize("line", ["created = 2026-02-30T03:04:05Z", 'note2 = "\\ud800"', 'note2 = "\\udc00"', 'note2 = "\\uDFFF"',
                                  'note2 = "\x01"',
                                  "start = 01", 'id = "b"', "[annotation]", "[[annotation]"])
def test_what_tomli_refuses_gets_tomlis_own_error(line: str) -> None:
    text = HEAD + line + "\n"
    with pytest.raises(tomllib.TOMLDecodeError) as exc:
        tomllib.loads(text)
    assert fasttoml.loads(text) is None
    with pytest.raises(StoreError) as raised:
        parse_annotation_file(text, Path("f.toml"))
    assert str(raised.value) == f"f.toml: malformed TOML: {exc.value}"


def test_a_file_with_comments_crlf_or_other_escapes_is_left_to_tomli() -> None:
    for text in (HEAD + "# a comment\n", HEAD.replace("\n", "\r\n"), HEAD.replace('"q"', '"\\e\\x41"'),
                 HEAD.replace("start = 0", "start = 0 # here"), HEAD.replace("end = 1", "end  = 1")):
        assert fasttoml.loads(text) is None
        assert parse_annotation_file(text, Path("f.toml")) == _tomli_parse(text)
    assert fasttoml.loads(HEAD) == tomllib.loads(HEAD)


@pytest.mark.parametrize("escape", ["\\ud800", "\\udbff", "\\udc00", "\\uDFFF", "\\ud83d\\ude00"])
def test_a_surrogate_escape_inside_a_known_string_is_left_to_tomli_which_refuses_it(escape: str) -> None:
    text = HEAD.replace('quote = "q"', f'quote = "q{escape}"')
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert fasttoml.loads(text) is None


@pytest.mark.parametrize("escape", ["\\ud7ff", "\\ue000", "\\u0000", "\\u007f", "\\uFFFF", "\\\\", '\\"', "\\t\\n"])
def test_other_escapes_inside_a_known_string_are_read_fast_as_tomli_reads_them(escape: str) -> None:
    text = HEAD.replace('quote = "q"', f'quote = "q{escape}"')
    assert fasttoml.loads(text) is not None and fasttoml.loads(text) == tomllib.loads(text)
