"""The documentation is tested: every command documented, the README's commands real."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cli_reference():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "cli_reference", ROOT / "scripts/cli_reference.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_command_is_documented_in_the_cli_reference() -> None:
    reference = _cli_reference()
    assert (ROOT / "docs/cli.md").read_text(encoding="utf-8") == reference.render(), (
        "docs/cli.md is stale: run .venv/bin/python scripts/cli_reference.py"
    )


def test_the_readme_quick_start_is_exactly_make_run_and_make_test() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)


def test_every_setting_is_documented() -> None:
    from homeward.settings import Settings

    doc = (Settings.__doc__ or "") + (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    for name in (
        "HOMEWARD_DATABASE_URL",
        "HOMEWARD_WORKSPACE",
        "HOMEWARD_KEY_PASSPHRASE",
        "HOMEWARD_TRUSTED_PROXIES",
    ):
        assert name in doc
        assert name in (ROOT / "src/homeward/settings.py").read_text(encoding="utf-8")


def test_ci_runs_make_test_and_requires_postgres_and_spark() -> None:
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "make test" in ci
    assert "HOMEWARD_REQUIRE_POSTGRES=1" in ci
    assert "HOMEWARD_REQUIRE_SPARK=1" in ci
