"""Write docs/cli.md from the commands' own help, so the reference cannot drift.

.venv/bin/python scripts/cli_reference.py          # rewrite docs/cli.md
.venv/bin/python scripts/cli_reference.py --check  # exit 1 if docs/cli.md is stale
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from homeward.cli import main

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
INTRO = """# Command line reference

`homeward` is installed into `.venv/bin/` by `make run` or `make test`. Every command reads
the workspace database from `HOMEWARD_DATABASE_URL` (default `sqlite:///homeward.db`); the
signing keys are unlocked with `HOMEWARD_KEY_PASSPHRASE`. This page is generated from the
commands' help by `scripts/cli_reference.py`; a test fails when it is out of date.
"""


def walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            found += walk(command.commands[name], [*path, name])
    return found


def render() -> str:
    parts = [INTRO]
    for path, command in walk(main, ["homeward"]):
        ctx = click.Context(command, info_name=" ".join(path))
        help_text = command.get_help(ctx).replace("\b\n", "")
        parts.append(f"## `{' '.join(path)}`\n\n```text\n{help_text.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        if current != text:
            print("docs/cli.md is out of date: run scripts/cli_reference.py", file=sys.stderr)
            sys.exit(1)
    else:
        DOC.write_text(text, encoding="utf-8")
