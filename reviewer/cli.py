"""The ``reviewer`` command line: a headless subcommand, or the app (imported lazily)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from reviewer import __version__
from reviewer.commands import COMMANDS
from reviewer.config import DEFAULT_SET



def _command_parser(name: str) -> tuple[argparse.ArgumentParser, object]:
    module_name, help_text = COMMANDS[name]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"reviewer {name}", description=help_text)
    module.add_arguments(parser)
    return parser, module


def _app_parser() -> argparse.ArgumentParser:
    commands = "\n".join(f"  {name:<10} {help_text}" for name, (_, help_text) in COMMANDS.items())
    parser = argparse.ArgumentParser(
        prog="reviewer",
        description="Compare, annotate and search privacy policies side by side.",
        epilog=f"commands (reviewer COMMAND --help):\n{commands}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATHS", help="policy files or folders (default: seeds/)")
    parser.add_argument("--annotations", metavar="SET", default=DEFAULT_SET,
                        help=f"annotation set folder (default: {DEFAULT_SET}, created when missing)")
    parser.add_argument("--theme", metavar="NAME", help="colour theme")
    parser.add_argument("--version", action="version", version=f"reviewer {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in COMMANDS:
            parser, module = _command_parser(argv[0])
            args = parser.parse_args(argv[1:])
            return module.run(args)  # type: ignore[attr-defined]  # command modules are looked up by name
        args = _app_parser().parse_args(argv)
        return _run_app(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _run_app(args: argparse.Namespace) -> int:
    paths = args.paths or (["seeds"] if Path("seeds").is_dir() else [])
    if not paths:
        print("reviewer: give policy files or folders to open (no seeds/ folder here)", file=sys.stderr)
        return 2
    from reviewer.tui.launch import launch  # Textual only now: a subcommand never pays for it

    return launch(paths, args.annotations, args.theme)


if __name__ == "__main__":
    raise SystemExit(main())
