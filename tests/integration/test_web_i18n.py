"""The interface in English, Ukrainian and Russian: every message is translated."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from homeward.web.i18n import LANGUAGES, load_catalogue, negotiate

WEB = resources.files("homeward.web")
CALL = re.compile(r"""_\(\s*(["'])((?:(?!\1).)+)\1""")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _messages_in_source() -> set[str]:
    found: set[str] = set()
    for folder in (WEB, WEB / "templates"):
        for entry in folder.iterdir():
            if entry.name.endswith((".py", ".html")):
                found.update(m.group(2) for m in CALL.finditer(entry.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_every_message_of_the_interface_is_translated(language: str) -> None:
    catalogue = load_catalogue(language)
    missing = sorted(_messages_in_source() - set(catalogue))
    assert not missing, f"{language}: {missing}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_translations_keep_every_placeholder(language: str) -> None:
    for msgid, msgstr in load_catalogue(language).items():
        assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(msgstr)), msgid


def test_the_browser_language_is_used_until_a_user_chooses() -> None:
    assert negotiate("uk-UA,uk;q=0.9,en;q=0.5") == "uk"
    assert negotiate("de-DE,ru;q=0.8") == "ru"
    assert negotiate("fr") == "en"
    assert negotiate(None) == "en"
