"""`homeward demo` as a user runs it: the Istanbul 2025 exchange end to end."""

from __future__ import annotations

import base64
import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from homeward.cli import main


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    result = CliRunner(env=env).invoke(main, ["demo", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def load(demo_dir: Path) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads((demo_dir / "summary.json").read_text("utf-8"))
    return summary


def test_day_one_releases_390_per_side_270_military_and_120_civilians(demo_dir: Path) -> None:
    day1 = load(demo_dir)["tranches"][0]
    assert day1["day"] == 1
    assert day1["date"] == "2025-05-23"
    for side in ("UA", "RU"):
        assert day1["released_by"][side] == {"military": 270, "civilian": 120, "total": 390}


def test_the_three_tranches_are_390_307_303_and_total_1000_per_side(demo_dir: Path) -> None:
    summary = load(demo_dir)
    for side in ("UA", "RU"):
        assert [t["released_by"][side]["total"] for t in summary["tranches"]] == [390, 307, 303]
        assert summary["totals"][side]["total"] == 1000
    for tranche in summary["tranches"]:
        ua, ru = tranche["released_by"]["UA"], tranche["released_by"]["RU"]
        assert ua == ru  # parity per tranche and category


def test_every_exception_is_recorded_with_its_substitute(demo_dir: Path) -> None:
    exceptions = load(demo_dir)["exceptions"]
    assert len(exceptions) >= 4
    kinds = {e["exception"] for e in exceptions}
    assert {"refuses_repatriation", "not_found", "deceased", "unfit_to_travel"} <= kinds
    for e in exceptions:
        assert e["resolution"] == "substitute"
        assert e["substitute_record_id"]
        assert e["substitute_record_id"] != e["record_id"]


def test_the_side_holding_more_recovers_under_ten_percent_of_those_it_seeks(
    demo_dir: Path,
) -> None:
    recovered = load(demo_dir)["sought_recovered"]
    ua = recovered["UA"]
    assert ua["sought"] >= 9000
    assert 0 < ua["recovered"] <= 1000
    assert ua["recovered"] / ua["sought"] < 0.10


def test_the_report_shows_the_figures_as_charts(demo_dir: Path) -> None:
    html = (demo_dir / "report.html").read_text("utf-8")
    assert html.count("<svg") >= 3
    assert "Released by UA, per day" in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_exported_log_verifies_and_holds_no_personal_data(demo_dir: Path) -> None:
    result = CliRunner().invoke(main, ["verify", str(demo_dir / "ledger")])
    assert result.exit_code == 0, result.output
    entries = (demo_dir / "ledger" / "entries.jsonl").read_text("utf-8")
    with (demo_dir / "scenario" / "ru_holdings.csv").open(encoding="utf-8") as handle:
        people = list(csv.DictReader(handle))[:300]
    values: set[str] = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            values.update(str(k) for k in node)
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)
        elif isinstance(node, str):
            values.add(node)

    for line in entries.splitlines():
        collect(json.loads(line))
    for person in people:
        assert person["surname"] not in entries
        assert person["record_id"] not in values
        for field in ("given_name", "date_of_birth", "document_number", "service_number"):
            if person[field]:
                assert person[field] not in values
        if len(person["date_of_birth"]) == 10:  # a full date cannot hide inside a hash
            assert person["date_of_birth"] not in entries


def test_flipping_a_byte_of_the_log_makes_verification_fail(demo_dir: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "ledger"
    shutil.copytree(demo_dir / "ledger", copy)
    data = bytearray((copy / "entries.jsonl").read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / "entries.jsonl").write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["verify", str(copy)])
    assert result.exit_code != 0
    assert "entries.jsonl" in result.output


def test_the_same_seed_gives_the_same_summary(demo_dir: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    again = tmp_path / "again"
    result = CliRunner(env=env).invoke(main, ["demo", "--seed", "3", "--out", str(again)])
    assert result.exit_code == 0, result.output
    assert load(again) == load(demo_dir)


def test_flipping_a_byte_of_a_cosignature_names_the_signature(
    demo_dir: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "ledger"
    shutil.copytree(demo_dir / "ledger", copy)
    lines = (copy / "checkpoint").read_text("utf-8").split("\n")
    ua = next(i for i, line in enumerate(lines) if line.startswith("— UA "))
    signature = bytearray(lines[ua].encode())
    # Inside the base64 of UA's cosignature; swap for another base64 letter (flipping a bit
    # could turn "+", "/", "Z" or "z" into a character base64 refuses, a different error).
    signature[-10] = ord("A") if signature[-10] != ord("A") else ord("B")
    lines[ua] = signature.decode()
    (copy / "checkpoint").write_text("\n".join(lines), "utf-8")
    result = CliRunner().invoke(main, ["verify", str(copy)])
    assert result.exit_code != 0
    assert "UA" in result.output
    assert "signature" in result.output


def _party_secrets(demo_dir: Path) -> dict[str, list[bytes]]:
    """Each party's private key in every form it could leak in: the encrypted key file,
    the raw 32-byte seed, and the seed in base64."""
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    from homeward.adapters.cosigner_dir import DEMO_COSIGNER_PASSPHRASE, CosignerDir

    secrets: dict[str, list[bytes]] = {}
    for party in ("UA", "RU"):
        folder = demo_dir / "parties" / party
        seed = (
            CosignerDir.open(folder)
            .signer(DEMO_COSIGNER_PASSPHRASE)
            .private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        )
        pem_body = b"".join((folder / "cosigner.key").read_bytes().splitlines()[1:-1])
        secrets[party] = [pem_body[:64], seed, base64.b64encode(seed)]
    return secrets


def test_each_party_key_lives_only_in_its_own_cosigner_directory(demo_dir: Path) -> None:
    assert (demo_dir / "parties" / "UA" / "cosigner.key").is_file()
    assert (demo_dir / "parties" / "RU" / "cosigner.key").is_file()
    assert sorted(p.name for p in (demo_dir / "keys").glob("*.key")) == ["MED.key"]
    secrets = _party_secrets(demo_dir)
    outside = [
        p for p in demo_dir.rglob("*") if p.is_file() and (demo_dir / "parties") not in p.parents
    ]
    assert any(p.name == "homeward.db" for p in outside)
    for path in outside:
        data = path.read_bytes()
        for party, forms in secrets.items():
            for form in forms:
                assert form not in data, f"{party}'s private key found in {path}"


def test_the_checkpoint_carries_cosignatures_that_verify_with_the_parties_own_keys(
    demo_dir: Path,
) -> None:
    parties = demo_dir / "parties"
    result = CliRunner().invoke(
        main,
        [
            "verify",
            str(demo_dir / "ledger"),
            "--key",
            str(parties / "UA" / "cosigner.vkey"),
            "--key",
            str(parties / "RU" / "cosigner.vkey"),
            "--key",
            str(demo_dir / "keys" / "MED.pub"),
            "--require",
            "UA,RU,MED",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "signed by MED, RU, UA" in result.output
    assert "agreement-1.note: the logged terms of agreement 1, signed by RU, UA" in result.output
    assert "self-consistent" not in result.output


def test_the_agreement_signatures_verify_offline_over_the_terms_the_log_commits_to(
    demo_dir: Path,
) -> None:
    from homeward.ledger.canonical import canonical_json
    from homeward.ledger.note import VerifierKey, open_note

    keys = [
        VerifierKey.parse((demo_dir / "parties" / p / "note.vkey").read_text("utf-8"))
        for p in ("UA", "RU")
    ]
    signed = (demo_dir / "ledger" / "agreements" / "agreement-1.note").read_text("utf-8")
    opened = open_note(signed, keys)
    assert sorted(s.name for s in opened.verified) == ["RU", "UA"]
    proposed = next(
        json.loads(line)
        for line in (demo_dir / "ledger" / "entries.jsonl").read_text("utf-8").splitlines()
        if '"kind":"terms_proposed"' in line
    )
    terms = proposed["payload"]["terms"]
    assert opened.text.splitlines()[2].encode() == canonical_json(terms)


def test_a_re_signed_key_stripped_copy_fails_when_the_reader_brings_the_keys(
    demo_dir: Path, tmp_path: Path
) -> None:
    """The mediator changes an entry, re-signs the root with its genuine key and deletes
    UA's and RU's keys from the export: only the reader's own keys catch it."""
    import shutil

    from homeward.ledger.checkpoint import Checkpoint
    from homeward.ledger.keys import load_signer
    from homeward.ledger.merkle import CompactRange, leaf_hash
    from homeward.ledger.note import sign_note, split_note
    from homeward.settings import DEMO_PASSPHRASE

    copy = tmp_path / "copy"
    shutil.copytree(demo_dir / "ledger", copy)
    lines = (copy / "entries.jsonl").read_bytes().split(b"\n")[:-1]
    target = next(i for i, line in enumerate(lines) if b'"kind":"person_received"' in line)
    lines[target] = lines[target].replace(b'{"at":"20', b'{"at":"19', 1)  # still canonical
    (copy / "entries.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (copy / "leaf-hashes").unlink()
    tree = CompactRange()
    for line in lines:
        tree.append(leaf_hash(line))
    text, _, _ = split_note((copy / "checkpoint").read_text("utf-8"))
    origin = text.split("\n")[0]
    med = load_signer(demo_dir / "keys", "MED", DEMO_PASSPHRASE)
    (copy / "checkpoint").write_text(
        sign_note(Checkpoint(origin, tree.size, tree.root()).body(), [med]), "utf-8"
    )
    (copy / "keys" / "UA.vkey").unlink()
    (copy / "keys" / "RU.vkey").unlink()

    alone = CliRunner().invoke(main, ["verify", str(copy)])
    assert alone.exit_code == 0, alone.output
    assert "self-consistent, not who signed it" in alone.output.strip().splitlines()[-1]

    med_key = tmp_path / "MED.vkey"
    med_key.write_text((demo_dir / "keys" / "MED.pub").read_text("utf-8"), "utf-8")
    checked = CliRunner().invoke(
        main, ["verify", str(copy), "--key", str(med_key), "--require", "UA,RU,MED"]
    )
    assert checked.exit_code == 1
    assert "required signer(s) UA, RU" in checked.output


def test_terms_a_party_signed_that_differ_from_the_logged_terms_fail_verification(
    demo_dir: Path, tmp_path: Path
) -> None:
    import shutil

    from homeward.adapters.cosigner_dir import DEMO_COSIGNER_PASSPHRASE, CosignerDir
    from homeward.ledger.note import sign_note, split_note

    copy = tmp_path / "copy"
    shutil.copytree(demo_dir / "ledger", copy)
    note = copy / "agreements" / "agreement-1.note"
    text, _, _ = split_note(note.read_text("utf-8"))
    changed = text.replace('"total_per_side":1000', '"total_per_side":900')
    assert changed != text
    ua = CosignerDir.open(demo_dir / "parties" / "UA").note_signer(DEMO_COSIGNER_PASSPHRASE)
    note.write_text(sign_note(changed, [ua]), "utf-8")
    result = CliRunner().invoke(
        main,
        [
            "verify",
            str(copy),
            "--key",
            str(demo_dir / "parties" / "UA" / "cosigner.vkey"),
            "--key",
            str(demo_dir / "keys" / "MED.pub"),
            "--require",
            "MED",
        ],
    )
    assert result.exit_code == 1
    assert "agreements/agreement-1.note: the signed terms are not those the log recorded" in (
        result.output
    )
