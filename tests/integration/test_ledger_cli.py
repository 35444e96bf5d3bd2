"""The ledger commands as a user runs them: keys, append, checkpoint, export, verify,
prove, erase."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from homeward.cli import main


@pytest.fixture
def run(tmp_path: Path, db_url: str) -> CliRunner:
    return CliRunner(
        env={
            "HOMEWARD_WORKSPACE": str(tmp_path),
            "HOMEWARD_DATABASE_URL": db_url,
            "HOMEWARD_KEY_PASSPHRASE": "synthetic test passphrase",
        }
    )


def _ok(run: CliRunner, *args: str) -> str:
    result = run.invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_checkpointed_log_exports_and_verifies_from_the_command_line(
    run: CliRunner, tmp_path: Path
) -> None:
    _ok(run, "keys", "generate")
    assert (
        _ok(run, "ledger", "append", "--kind", "exchange_agreed", "--payload", '{"n":1000}')
        == "0\n"
    )
    _ok(run, "ledger", "append", "--kind", "tranche_planned", "--payload", '{"tranche":1}')
    note = _ok(run, "ledger", "checkpoint")
    assert "— MED " in note
    assert "— UA " in note
    assert "— RU " in note
    _ok(run, "ledger", "export", "--out", str(tmp_path / "exp"))
    assert "OK: 2 entries, signed by MED, UA, RU" in _ok(run, "verify", str(tmp_path / "exp"))
    _ok(run, "ledger", "prove", "--entry", "1", "--out", str(tmp_path / "p.json"))
    assert "OK: 2 entries" in _ok(run, "verify", str(tmp_path / "p.json"))
    assert "consistent" in _ok(run, "ledger", "audit")


def test_verify_exits_non_zero_naming_the_first_fault(run: CliRunner, tmp_path: Path) -> None:
    _ok(run, "keys", "generate")
    for i in range(3):
        _ok(run, "ledger", "append", "--kind", "handover_recorded", "--payload", f'{{"seq":{i}}}')
    _ok(run, "ledger", "checkpoint")
    _ok(run, "ledger", "export", "--out", str(tmp_path / "exp"))
    entries = tmp_path / "exp" / "entries.jsonl"
    entries.write_bytes(entries.read_bytes().replace(b'"seq":1', b'"seq":7'))
    result = run.invoke(main, ["verify", str(tmp_path / "exp")])
    assert result.exit_code == 1
    assert "verification failed: entries.jsonl line 2: altered" in result.output


def test_float_payload_and_wrong_passphrase_fail_cleanly(run: CliRunner) -> None:
    _ok(run, "keys", "generate", "--name", "MED")
    result = run.invoke(main, ["ledger", "append", "--kind", "weighed", "--payload", '{"kg":7.5}'])
    assert result.exit_code == 1
    assert "floats are not allowed" in result.output
    _ok(run, "ledger", "append", "--kind", "weighed", "--payload", '{"g":7500}')
    wrong = run.invoke(
        main, ["ledger", "checkpoint", "--no-cosign"], env={"HOMEWARD_KEY_PASSPHRASE": "nope"}
    )
    assert wrong.exit_code == 1
    assert "wrong passphrase" in wrong.output


def test_erase_reports_an_unknown_person(run: CliRunner) -> None:
    result = run.invoke(main, ["erase", "--person", "404"])
    assert result.exit_code == 1
    assert "no person with id 404" in result.output


def test_bad_exports_fail_with_a_precise_message(run: CliRunner, tmp_path: Path) -> None:
    _ok(run, "keys", "generate")
    _ok(run, "ledger", "append", "--kind", "list_sent", "--payload", '{"list":"UA-1"}')
    _ok(run, "ledger", "checkpoint")
    exp = tmp_path / "exp"
    _ok(run, "ledger", "export", "--out", str(exp))
    checkpoint = (exp / "checkpoint").read_bytes()
    (exp / "checkpoint").write_bytes(checkpoint[:40])
    truncated = run.invoke(main, ["verify", str(exp)])
    assert truncated.exit_code == 1
    assert "verification failed: checkpoint: note is truncated" in truncated.output
    (exp / "checkpoint").write_bytes(checkpoint)

    other = tmp_path / "other.vkey"
    other.write_text(_ok(run, "keys", "list").splitlines()[1] + "\n", encoding="utf-8")
    wrong = run.invoke(main, ["verify", str(exp), "--key", str(other), "--key", str(other)])
    assert wrong.exit_code == 1
    assert "verification failed: keys: no log (Ed25519, type 0x01) key" in wrong.output

    ua = exp / "keys" / "UA.vkey"
    name, key_id, _ = ua.read_text(encoding="utf-8").split("+", 2)
    ua.write_text(f"{name}+{key_id}+BQ{'A' * 42}\n", encoding="utf-8")
    unknown = run.invoke(main, ["verify", str(exp)])
    assert unknown.exit_code == 1
    assert "keys/UA.vkey: unknown signature type 0x05" in unknown.output
