"""The composition root seen from the command line: one workspace per command, domain
errors as one-line messages, the matching model trained only by an explicit step, and
the password hasher the workspace was given."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from tests.factories import import_rows, person_rows, write_rows

from homeward.adapters.db import make_engine
from homeward.adapters.migrate import upgrade
from homeward.adapters.tables_web import users
from homeward.cli import main
from homeward.domain.values import RegistryKind, Side
from homeward.web.testing import make_app


def _env(db_url: str, workspace: Path) -> dict[str, str]:
    return {"HOMEWARD_DATABASE_URL": db_url, "HOMEWARD_WORKSPACE": str(workspace)}


def test_match_train_trains_the_workspace_model_on_the_submitted_lists(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        rows = person_rows("P", 30, seed=5)
        import_rows(engine, tmp_path, Side.UA, RegistryKind.SOUGHT, rows)
        import_rows(engine, tmp_path, Side.RU, RegistryKind.HOLDINGS, rows)
    finally:
        engine.dispose()
    env, runner = _env(db_url, tmp_path), CliRunner()
    for party, kind in (("UA", "sought"), ("RU", "holdings_ack")):
        submitted = runner.invoke(
            main, ["lists", "submit", "--party", party, "--kind", kind], env=env
        )
        assert submitted.exit_code == 0, submitted.output
    model = tmp_path / "match-model.json"
    assert not model.exists()
    result = runner.invoke(main, ["match", "train"], env=env)
    assert result.exit_code == 0, result.output
    assert f"trained on UA's 30 sought against 30 records (holdings) -> {model}" in result.output
    assert '"m_probability"' in model.read_text(encoding="utf-8")


def test_match_train_without_submitted_lists_says_what_to_submit_first(
    db_url: str, tmp_path: Path
) -> None:
    result = CliRunner().invoke(main, ["match", "train"], env=_env(db_url, tmp_path))
    assert result.exit_code == 1
    assert "Error: no lists to train the matching model on" in result.output
    assert "homeward lists submit" in result.output
    assert not (tmp_path / "match-model.json").exists()


def test_matching_files_still_needs_its_three_files() -> None:
    result = CliRunner().invoke(main, ["match", "--registry", "r.csv"])
    assert result.exit_code == 2
    assert "Missing option '--requests'" in result.output


def test_a_checkpoint_without_the_mediator_s_key_names_the_file_and_the_folder(
    tmp_path: Path,
) -> None:
    env = {"HOMEWARD_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"}
    env["HOMEWARD_WORKSPACE"] = str(tmp_path / "elsewhere")
    result = CliRunner().invoke(main, ["ledger", "checkpoint"], env=env)
    assert result.exit_code == 1
    assert f"no signing key MED.key in {tmp_path / 'elsewhere' / 'keys'}" in result.output
    assert "Traceback" not in result.output


def test_the_app_hashes_passwords_with_the_hasher_its_workspace_was_given(
    db_url: str, tmp_path: Path
) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        make_app(engine, tmp_path)  # a workspace with cheap argon2 parameters
        with engine.connect() as conn:
            hashes = conn.execute(select(users.c.password_hash)).scalars().all()
    finally:
        engine.dispose()
    assert hashes
    assert all(h.startswith("$argon2id$v=19$m=1024,t=1,p=1$") for h in hashes)


def test_matching_files_with_a_new_model_file_trains_it_once_then_reuses_it(
    tmp_path: Path,
) -> None:
    rows = person_rows("P", 30, seed=7)
    registry = write_rows(tmp_path / "registry.csv", rows)
    requests = write_rows(tmp_path / "requests.csv", rows[:10])
    model = tmp_path / "model.json"
    args = ["match", "--registry", str(registry), "--requests", str(requests)]
    args += ["--model", str(model), "--out", str(tmp_path / "out.csv")]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    trained = model.read_bytes()
    assert b'"m_probability"' in trained
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert model.read_bytes() == trained  # loaded, not trained again
    assert "10 requests: 10 match" in again.output
