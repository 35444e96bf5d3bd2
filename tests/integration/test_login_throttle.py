"""The login throttle holds under concurrency and counts the real client."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.adapters.db import make_engine
from homeward.domain.values import Side
from homeward.services import accounts
from homeward.services.access import Role
from homeward.services.accounts import (
    CreateUser,
    LoginFailed,
    LoginThrottled,
    authenticate,
    create_user,
)
from homeward.web.security import client_of, trusted_networks
from homeward.web.testing import make_app


class CountingHasher(PasswordHasher):
    """Cheap argon2 that counts how many passwords it was asked to check."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checked = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.checked += 1
        return super().verify(hash, password)


def test_forty_concurrent_wrong_passwords_for_one_user_get_at_most_five_checked(
    engine: Engine,
) -> None:
    db_url = engine.url.render_as_string(hide_password=False)  # the same database
    hasher = CountingHasher()
    create_user(
        CreateUser(Side.UA, Role.PARTY_OFFICER, "ua.target", "the-right-one"), engine, hasher=hasher
    )
    # One engine (one connection pool) per attacker, as separate server processes would be.
    engines = [make_engine(db_url, pool_size=1, max_overflow=0) for _ in range(40)]
    start = threading.Barrier(40)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        start.wait()
        try:
            authenticate("ua.target", f"guess-{n:04d}", f"10.0.0.{n}", engines[n], hasher=hasher)
            outcome = "in"
        except LoginThrottled:
            outcome = "throttled"
        except LoginFailed:
            outcome = "checked"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for e in engines:
        e.dispose()
    assert len(outcomes) == 40
    assert hasher.checked <= accounts.MAX_FAILURES_PER_USERNAME
    assert outcomes.count("checked") == hasher.checked
    assert outcomes.count("in") == 0
    assert outcomes.count("throttled") == 40 - hasher.checked
    # and the account itself stays locked for the window, even with the right password
    with pytest.raises(LoginThrottled):
        authenticate("ua.target", "the-right-one", "10.0.0.99", engine, hasher=hasher)


def test_a_right_password_does_not_use_up_the_allowance(engine: Engine) -> None:
    hasher = CountingHasher()
    create_user(
        CreateUser(Side.RU, Role.PARTY_VIEWER, "ru.daily", "the-right-one"), engine, hasher=hasher
    )
    for _ in range(12):
        authenticate("ru.daily", "the-right-one", "10.1.1.1", engine, hasher=hasher)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            authenticate("ru.daily", "a-typo-here", "10.1.1.1", engine, hasher=hasher)
    login = authenticate("ru.daily", "the-right-one", "10.1.1.1", engine, hasher=hasher)
    assert login.principal.username == "ru.daily"


def _request(peer: str, forwarded: str | None, proxies: tuple[str, ...]) -> Any:
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    web = SimpleNamespace(trusted_proxies=trusted_networks(proxies))
    return SimpleNamespace(
        client=SimpleNamespace(host=peer),
        headers=headers,
        app=SimpleNamespace(state=SimpleNamespace(web=web)),
    )


def test_a_forwarded_address_is_believed_only_from_a_configured_proxy() -> None:
    assert client_of(_request("127.0.0.1", "203.0.113.7", ())) == "127.0.0.1"
    assert client_of(_request("198.51.100.1", "203.0.113.7", ("127.0.0.1",))) == "198.51.100.1"
    assert client_of(_request("127.0.0.1", "203.0.113.7", ("127.0.0.1",))) == "203.0.113.7"
    # the nearest hop that is not a proxy: what the client typed before it is not believed
    chain = "1.2.3.4, 203.0.113.7, 10.0.0.5"
    assert client_of(_request("10.0.0.6", chain, ("10.0.0.0/24",))) == "203.0.113.7"
    assert client_of(_request("10.0.0.6", None, ("10.0.0.0/24",))) == "10.0.0.6"
    assert client_of(_request("10.0.0.6", "not-an-address", ("10.0.0.0/24",))) == "10.0.0.6"


def test_rotating_forwarded_addresses_from_an_untrusted_peer_are_still_throttled(
    engine: Engine, tmp_path: Path
) -> None:
    app, _ = make_app(engine, tmp_path)
    with TestClient(app) as client:
        answers = []
        for n in range(15):
            answers.append(
                client.post(
                    "/api/v1/token",
                    data={"username": f"nobody-{n}", "password": "a-wrong-password"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                ).status_code
            )
    assert answers[:10] == [401] * 10
    assert answers[10:] == [429] * 5


def test_the_trusted_proxies_setting_is_read_as_a_list_of_addresses_or_networks() -> None:
    from homeward.settings import Settings

    settings = Settings.from_env({"HOMEWARD_TRUSTED_PROXIES": " 127.0.0.1, 10.0.0.0/24 ,"})
    assert settings.trusted_proxies == ("127.0.0.1", "10.0.0.0/24")
    assert Settings.from_env({}).trusted_proxies == ()


ATTACKER = """
import sys, threading, time
from argon2 import PasswordHasher
from homeward.adapters.db import make_engine
from homeward.services import accounts

hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
engine = make_engine(sys.argv[1])
start_at, me = float(sys.argv[2]), int(sys.argv[3])
outcomes = []
def attempt(n):
    try:
        accounts.authenticate(
            "ua.target", f"guess-{me}-{n}", f"10.{me}.0.{n}", engine, hasher=hasher
        )
        outcomes.append("in")
    except accounts.LoginThrottled:
        outcomes.append("throttled")
    except accounts.LoginFailed:
        outcomes.append("checked")
threads = [threading.Thread(target=attempt, args=(n,)) for n in range(10)]
time.sleep(max(0.0, start_at - time.time()))
for t in threads: t.start()
for t in threads: t.join()
print(" ".join(outcomes))
"""


def test_four_server_processes_guessing_at_once_get_five_checks_between_them(
    engine: Engine,
) -> None:
    import subprocess
    import sys
    import time

    db_url = engine.url.render_as_string(hide_password=False)  # the same database

    create_user(
        CreateUser(Side.UA, Role.PARTY_OFFICER, "ua.target", "the-right-one"),
        engine,
        hasher=CountingHasher(),
    )
    start_at = time.time() + 8  # every process imported and connected by then
    children = [
        subprocess.Popen(
            [sys.executable, "-c", ATTACKER, db_url, str(start_at), str(n)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    outcomes = []
    for child in children:
        out, _ = child.communicate(timeout=180)
        assert child.returncode == 0
        outcomes.extend(out.split())
    assert len(outcomes) == 40
    assert outcomes.count("in") == 0
    assert outcomes.count("checked") <= accounts.MAX_FAILURES_PER_USERNAME
