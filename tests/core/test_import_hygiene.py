"""The core (everything under reviewer/ except tui/, cli.py and commands/) imports neither Textual nor Rich."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT

UI_FREE_CHECK = r"""
import importlib, json, pkgutil, sys
import reviewer

EXCLUDED = ("reviewer.tui", "reviewer.cli", "reviewer.commands", "reviewer.__main__")
FORBIDDEN = ("textual", "rich")

def forbidden():
    return sorted(m for m in sys.modules if m.split(".")[0] in FORBIDDEN)

modules, offenders = [], {}
for info in pkgutil.walk_packages(reviewer.__path__, "reviewer."):
    name = info.name
    if name in EXCLUDED or name.startswith(tuple(e + "." for e in EXCLUDED)):
        continue
    importlib.import_module(name)
    modules.append(name)
    if forbidden() and not offenders:
        offenders[name] = forbidden()[:5]
print(json.dumps({"modules": modules, "offenders": offenders, "loaded": forbidden()[:10]}))
"""


def test_core_modules_import_no_textual_or_rich() -> None:
    proc = subprocess.run([sys.executable, "-c", UI_FREE_CHECK], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    for required in ("reviewer.documents", "reviewer.clauses", "reviewer.safetext", "reviewer.taxonomy",
                     "reviewer.store", "reviewer.atomic", "reviewer.anchoring", "reviewer.annotated",
                     "reviewer.errors"):
        assert required in result["modules"]
    assert result["offenders"] == {}, f"first core module to pull in a UI library: {result['offenders']}"
    assert result["loaded"] == []


def test_check_command_imports_rich_only_when_printing_a_table() -> None:
    code = ("import sys; from reviewer.cli import main; "
            "rc = main(['check', 'seeds', '--annotations', 'annotations/default', '--json']); "
            "print(rc, any(m.split('.')[0] == 'textual' for m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "0 False"  # `reviewer check` never loads Textual
