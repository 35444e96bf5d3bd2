"""The suite does not shrink unnoticed: the whole run collects at least FLOOR tests.

Raise FLOOR when tests are added; lower it only when the code a test covered is removed
(say which in the commit). Parametrizing duplicates away is fine while every case still
runs: the count is of collected cases, parameters included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

FLOOR = 1304  # 2026-12-02: 1,302 on main, +1 test_docs, +1 this test
TESTS = Path(__file__).resolve().parent


def _whole_suite(config: pytest.Config) -> bool:
    paths = {Path(arg.split("::", 1)[0]).resolve() for arg in config.args}
    return (
        paths == {TESTS}
        and not config.option.keyword
        and not config.option.markexpr
        and not getattr(config.option, "lf", False)
        and not getattr(config.option, "deselect", None)
    )


def test_the_whole_suite_collects_no_fewer_tests_than_before(
    request: pytest.FixtureRequest,
) -> None:
    if not _whole_suite(request.config):
        pytest.skip("counted only when the whole tests/ folder runs (make test)")
    # Every xdist worker collects the whole suite, then runs its share.
    collected = len(request.session.items)
    assert collected >= FLOOR, f"{collected} tests collected, fewer than the {FLOOR} before"
