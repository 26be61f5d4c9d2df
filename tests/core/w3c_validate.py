"""Validate a W3C Web Annotation export with the W3C test suite's own JSON schemas.

The schemas (../shared/w3c-annotation-schemas, see its SOURCE.md) are the assertions of
w3c/web-annotation-tests. The WPT harness runs each assertion file with ajv and judges the result
by ``expectedResult`` and ``onUnexpectedResult``; this repeats that with ``jsonschema``
(Draft4Validator, ``uri`` and ``date-time`` formats checked):

* the MUST tests (``annotationMusts.test`` on every annotation, ``collectionMusts.test`` and
  ``pageMusts.test`` on the collection with its embedded page) fail on an unexpected result
  whose ``onUnexpectedResult`` starts with ``fail``;
* ``CONTRACT_ASSERTIONS``, 12 optional feature checks that reviewer's export contract makes
  mandatory (creator, created, modified, body, purpose, TextualBody, SpecificResource target,
  selectors, TextQuoteSelector with prefix and suffix, TextPositionSelector), must pass too.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "w3c-annotation-schemas"

CONTRACT_ASSERTIONS = (
    "annotations/3.1-bodyKeyFound.json",
    "annotations/3.3.1-annotationCreatedImplemented.json",
    "annotations/3.3.1-annotationCreatorImplemented.json",
    "annotations/3.3.1-annotationModifiedImplemented.json",
    "annotations/bodiesTargets/3.2.4-bodyETBTypeTextualBody.json",
    "annotations/bodiesTargets/3.3.5-bodyPurpose.json",
    "annotations/bodiesTargets/4-targSpecificResource.json",
    "annotations/specificResource/4.2-selectorFound.json",
    "annotations/specificResource/4.2.4-prefix.json",
    "annotations/specificResource/4.2.4-suffix.json",
    "annotations/specificResource/4.2.4-textQuoteSelector.json",
    "annotations/specificResource/4.2.5-textPositionSelector.json",
)


def available() -> bool:
    return (SCHEMAS / "definitions" / "annotations.json").is_file()


@lru_cache(maxsize=1)
def _setup() -> tuple[Any, dict[str, dict]]:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    schemas: dict[str, dict] = {}
    for path in SCHEMAS.rglob("*.json"):
        schemas[path.relative_to(SCHEMAS).as_posix()] = json.loads(path.read_text(encoding="utf-8"))
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in schemas.values() if "id" in schema
    )
    return registry, schemas


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")  # RFC 3986 absolute URI (IRIs allowed)
_DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")  # RFC 3339


@lru_cache(maxsize=1)
def _format_checker() -> Any:
    """``uri`` and ``date-time`` checked with RFC 3986 / RFC 3339 patterns (the optional
    rfc3987 / rfc3339-validator packages jsonschema would use are not needed)."""
    from jsonschema import FormatChecker

    checker = FormatChecker(())
    checker.checks("uri")(lambda v: not isinstance(v, str) or bool(_URI.match(v)))
    checker.checks("date-time")(lambda v: not isinstance(v, str) or bool(_DATE_TIME.match(v)))
    return checker


def _tests(name: str) -> list[str]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))["assertions"]


def _judge(assertion: str, instance: Any, contract: bool) -> str | None:
    from jsonschema import Draft4Validator

    registry, schemas = _setup()
    schema = schemas[assertion]
    validator = Draft4Validator(schema, registry=registry, format_checker=_format_checker())
    valid = validator.is_valid(instance)
    expected = schema.get("expectedResult", "valid") == "valid"
    if valid == expected:
        return None
    if contract or schema.get("onUnexpectedResult", "").startswith("fail"):
        return f"{assertion}: {schema.get('errorMessage', schema.get('title', 'failed'))}"
    return None


def validate_w3c(collection: dict[str, Any]) -> list[str]:
    """Every failure, as ``assertion: message`` lines (empty when the export passes)."""
    failures: list[str] = []
    for assertion in _tests("collections/collectionMusts.test") + _tests("collections/pages/pageMusts.test"):
        failures += [f for f in [_judge(assertion, collection, False)] if f]
    items = (collection.get("first") or {}).get("items", [])
    for n, item in enumerate(items):
        for assertion in _tests("annotations/annotationMusts.test"):
            failures += [f"item {n}: {f}" for f in [_judge(assertion, item, False)] if f]
        for assertion in CONTRACT_ASSERTIONS:
            failures += [f"item {n}: {f}" for f in [_judge(assertion, item, True)] if f]
    return failures
