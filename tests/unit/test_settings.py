"""Settings read the environment in one place: the signers' passphrases and what a server
worker is handed."""

from __future__ import annotations

from pathlib import Path

from homeward.settings import DEMO_PASSPHRASE, Settings


def test_a_signer_s_own_passphrase_wins_over_the_shared_one() -> None:
    settings = Settings.from_env(
        {"HOMEWARD_KEY_PASSPHRASE": "shared-words", "HOMEWARD_KEY_PASSPHRASE_MED": "med-words"}
    )
    assert settings.passphrase_of("MED") == "med-words"
    assert settings.passphrase_of("UA") == "shared-words"


def test_without_any_passphrase_set_none_is_given_and_the_demo_one_is_the_fallback() -> None:
    settings = Settings.from_env({"HOMEWARD_KEY_PASSPHRASE_MED": ""})
    assert settings.passphrase_of("MED") is None
    assert settings.passphrase == DEMO_PASSPHRASE


def test_a_server_worker_is_handed_the_workspace_and_database_it_reads_back(
    tmp_path: Path,
) -> None:
    chosen = Settings().for_workspace(tmp_path)
    again = Settings.from_env(chosen.server_environment())
    assert again.workspace == tmp_path.resolve()
    assert again.database_url == f"sqlite:///{tmp_path / 'homeward.db'}"
