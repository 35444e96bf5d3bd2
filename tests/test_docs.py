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


class _RecordingEnv(dict[str, str]):
    """An empty environment that remembers every variable asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(key)
        return default

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return False


def _settings_documentation() -> str:
    from homeward.settings import Settings, SparkSettings

    return (
        (Settings.__doc__ or "")
        + (SparkSettings.__doc__ or "")
        + (ROOT / "docs/cli.md").read_text(encoding="utf-8")
    )


def test_every_variable_settings_reads_from_the_environment_is_documented() -> None:
    from homeward.settings import Settings

    env = _RecordingEnv()
    Settings.from_env(env)
    assert {"HOMEWARD_DATABASE_URL", "HOMEWARD_LEDGER_ORIGIN"} <= env.asked  # really recorded
    doc = _settings_documentation()
    undocumented = sorted(name for name in env.asked if name not in doc)
    assert not undocumented, f"read by Settings.from_env but not documented: {undocumented}"


def test_every_homeward_variable_named_in_the_code_is_documented() -> None:
    # Per-signer names are built at run time (HOMEWARD_KEY_PASSPHRASE_{name}, or a prefix
    # "HOMEWARD_KEY_PASSPHRASE_" plus the name): documented as HOMEWARD_KEY_PASSPHRASE_<NAME>.
    names: set[str] = set()
    for path in (ROOT / "src/homeward").rglob("*.py"):
        for match in re.finditer(
            r"\b(HOMEWARD_[A-Z_]*[A-Z])(_\{[a-z_]+\}|_(?=[\"']))?", path.read_text(encoding="utf-8")
        ):
            names.add(match.group(1) + ("_<NAME>" if match.group(2) else ""))
    assert "HOMEWARD_KEY_PASSPHRASE_<NAME>" in names
    doc = _settings_documentation()
    patterns = [p.removesuffix("<NAME>") for p in re.findall(r"HOMEWARD_[A-Z_]+_<NAME>", doc)]

    def documented(name: str) -> bool:  # HOMEWARD_KEY_PASSPHRASE_MED: one signer's
        return name in doc or any(name.startswith(p) for p in patterns)

    undocumented = sorted(name for name in names if not documented(name))
    assert not undocumented, f"named in src/homeward but not documented: {undocumented}"


def test_ci_runs_make_test_and_requires_postgres_and_spark() -> None:
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert "make test" in ci
    assert "HOMEWARD_REQUIRE_POSTGRES=1" in ci
    assert "HOMEWARD_REQUIRE_SPARK=1" in ci
