"""``homeward agreement check`` on files (the manifest commands' pure parts are tested
in test_manifest_csv.py and test_manifest_pdf.py)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from homeward.cli_plan import agreement
from homeward.planning import istanbul_2025_terms, terms_from_dict

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "istanbul-2025.toml"


def test_agreement_check_summarises_the_istanbul_terms() -> None:
    result = CliRunner().invoke(agreement, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "1,000 per side (UA and RU), parity per tranche and category" in result.output
    assert "day-1     2025-05-23  ua-by-border          390       270       120" in result.output
    assert "terms are consistent" in result.output


def test_agreement_check_prints_the_canonical_form_the_parties_sign() -> None:
    result = CliRunner().invoke(agreement, ["check", "--canonical", str(EXAMPLE)])
    assert result.exit_code == 0
    assert terms_from_dict(json.loads(result.output)) == istanbul_2025_terms()


def test_a_wrong_type_exits_2_naming_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("military = 270", 'military = "ten"'))
    result = CliRunner().invoke(agreement, ["check", str(bad)])
    assert result.exit_code == 2
    assert 'tranches[0].military: expected an integer, got "ten"' in result.output


def test_an_unknown_key_exits_2_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("reserve_size = 50", "reserve = 50"))
    result = CliRunner().invoke(agreement, ["check", str(bad)])
    assert result.exit_code == 2
    assert "reserve: unknown key" in result.output


def test_terms_that_contradict_themselves_exit_1_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace("total = 303", "total = 300"))
    result = CliRunner().invoke(agreement, ["check", str(bad)])
    assert result.exit_code == 1
    assert "add up to 997 per side but the agreed total is 1,000: 3 short" in result.output
