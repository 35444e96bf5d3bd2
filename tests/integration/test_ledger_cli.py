"""The ledger commands as a user runs them: keys, append, checkpoint, export, verify,
prove, erase."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from homeward.adapters.cosigner_dir import CosignerDir, init_cosigner
from homeward.adapters.witness_http import make_server
from homeward.cli import main
from homeward.ledger.note import VerifierKey


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


@pytest.fixture
def witnessed(run: CliRunner, tmp_path: Path) -> Iterator[CliRunner]:
    """MED's key, and UA's and RU's cosigners serving on loopback, registered as witnesses."""
    med = _ok(run, "keys", "generate").strip()
    servers = []
    for name in ("UA", "RU"):
        folder = tmp_path / "parties" / name
        signer = init_cosigner(folder, name, "synthetic cosigner passphrase")
        cosigner = CosignerDir.open(folder)
        cosigner.trust("homeward.invalid/exchange-ledger", VerifierKey.parse(med))
        server = make_server(cosigner, signer, "127.0.0.1", 0)
        server.start_in_thread()
        servers.append(server)
        _ok(
            run,
            "witnesses",
            "add",
            "--name",
            name,
            "--url",
            server.url,
            "--key",
            signer.verifier.text(),
        )
    yield run
    for server in servers:
        server.shutdown()
        server.server_close()


def test_a_checkpointed_log_exports_and_verifies_from_the_command_line(
    witnessed: CliRunner, tmp_path: Path
) -> None:
    run = witnessed
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
    assert "OK: 2 entries, signed by MED, RU, UA" in _ok(run, "verify", str(tmp_path / "exp"))
    _ok(run, "ledger", "prove", "--entry", "1", "--out", str(tmp_path / "p.json"))
    assert "OK: 2 entries" in _ok(run, "verify", str(tmp_path / "p.json"))
    assert "consistent" in _ok(run, "ledger", "audit")


def test_verify_exits_non_zero_naming_the_first_fault(witnessed: CliRunner, tmp_path: Path) -> None:
    run = witnessed
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
    _ok(run, "keys", "generate")
    result = run.invoke(main, ["ledger", "append", "--kind", "weighed", "--payload", '{"kg":7.5}'])
    assert result.exit_code == 1
    assert "floats are not allowed" in result.output
    _ok(run, "ledger", "append", "--kind", "weighed", "--payload", '{"g":7500}')
    wrong = run.invoke(main, ["ledger", "checkpoint"], env={"HOMEWARD_KEY_PASSPHRASE": "nope"})
    assert wrong.exit_code == 1
    assert "wrong passphrase" in wrong.output


def test_erase_reports_an_unknown_person(run: CliRunner) -> None:
    result = run.invoke(main, ["erase", "--person", "404"])
    assert result.exit_code == 1
    assert "no person with id 404" in result.output


def test_bad_exports_fail_with_a_precise_message(witnessed: CliRunner, tmp_path: Path) -> None:
    run = witnessed
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


def test_a_cosigner_refuses_to_create_or_open_its_key_without_a_passphrase(
    tmp_path: Path,
) -> None:
    bare = CliRunner(env={"HOMEWARD_COSIGNER_PASSPHRASE": ""})
    folder = tmp_path / "ua"
    refused = bare.invoke(main, ["cosigner", "init", "--party", "UA", "--dir", str(folder)])
    assert refused.exit_code == 1
    assert "HOMEWARD_COSIGNER_PASSPHRASE is not set" in refused.output
    assert not (folder / "cosigner.key").exists()
    made = CliRunner(env={"HOMEWARD_COSIGNER_PASSPHRASE": "synthetic"}).invoke(
        main, ["cosigner", "init", "--party", "UA", "--dir", str(folder)]
    )
    assert made.exit_code == 0, made.output
    assert made.output.startswith("UA+")
    terms = tmp_path / "terms.txt"
    terms.write_text("homeward agreement terms v1\nagreement 1\n{}\n", encoding="utf-8")
    unsigned = bare.invoke(main, ["cosigner", "sign", "--dir", str(folder), str(terms)])
    assert unsigned.exit_code == 1
    assert "HOMEWARD_COSIGNER_PASSPHRASE is not set" in unsigned.output
    demo = bare.invoke(main, ["cosigner", "sign", "--dir", str(folder), "--demo", str(terms)])
    assert demo.exit_code == 1
    assert "not a demo cosigner" in demo.output
    status = bare.invoke(main, ["cosigner", "status", "--dir", str(folder)])
    assert status.exit_code == 0
    assert f"verifier key: {made.output.strip()}" in status.output


def test_an_old_workspace_with_party_keys_is_refused_until_they_are_exported(
    run: CliRunner, tmp_path: Path
) -> None:
    from homeward.ledger.keys import generate_key
    from homeward.ledger.note import COSIGNATURE_V1

    _ok(run, "keys", "generate")
    for party in ("UA", "RU"):  # what `keys generate` used to create
        generate_key(tmp_path / "keys", party, COSIGNATURE_V1, "synthetic test passphrase")
    _ok(run, "ledger", "append", "--kind", "list_sent", "--payload", '{"list":"UA-1"}')
    refused = run.invoke(main, ["ledger", "checkpoint"])
    assert refused.exit_code == 1
    assert "holds a party's private key" in refused.output
    assert "homeward keys export-party" in refused.output
    env = {"HOMEWARD_COSIGNER_PASSPHRASE": "the party's own passphrase"}
    for party in ("UA", "RU"):
        out = tmp_path / "to-party" / party
        moved = run.invoke(
            main, ["keys", "export-party", "--party", party, "--dir", str(out)], env=env
        )
        assert moved.exit_code == 0, moved.output
        assert not (tmp_path / "keys" / f"{party}.key").exists()
        assert CosignerDir.open(out).signer(env["HOMEWARD_COSIGNER_PASSPHRASE"]).name == party
    pending = _ok(run, "ledger", "checkpoint")
    assert "pending" in pending
    assert "UA: no witness registered under this name" in pending


def test_verify_with_the_readers_keys_names_every_missing_required_signer(
    witnessed: CliRunner, tmp_path: Path
) -> None:
    run = witnessed
    _ok(run, "ledger", "append", "--kind", "list_sent", "--payload", '{"list":"UA-1"}')
    _ok(run, "ledger", "checkpoint")
    exp = tmp_path / "exp"
    _ok(run, "ledger", "export", "--out", str(exp))
    own = _ok(run, "verify", str(exp), "--key", str(tmp_path / "keys" / "MED.pub"))
    assert "self-consistent" not in own
    missing = run.invoke(
        main,
        ["verify", str(exp), "--key", str(tmp_path / "keys" / "MED.pub"), "--require", "UA,RU,MED"],
    )
    assert missing.exit_code == 1
    assert "required signer(s) UA, RU" in missing.output
    every = [
        "--key", str(tmp_path / "keys" / "MED.pub"),
        "--key", str(tmp_path / "parties" / "UA" / "cosigner.vkey"),
        "--key", str(tmp_path / "parties" / "RU" / "cosigner.vkey"),
    ]  # fmt: skip
    assert "signed by MED, RU, UA" in _ok(run, "verify", str(exp), *every, "--require", "UA,RU,MED")
