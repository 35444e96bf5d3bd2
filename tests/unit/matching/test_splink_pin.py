"""The one Splink internal homeward patches (EM's m floor) is where and what it expects.

If Splink moves, these fail before training silently loses its floor."""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import threading

import splink
import splink.internals.expectation_maximisation as em

from homeward.matching import splink_engine as se


def test_splink_is_the_pinned_version() -> None:
    assert splink.__version__ == se.SPLINK_PINNED


def test_the_patched_function_has_the_signature_the_floor_wraps() -> None:
    names = list(inspect.signature(em.populate_m_u_from_lookup).parameters)
    assert names == [
        "training_fixed_probabilities", "comparison_level", "output_column_name",
        "m_u_records_lookup",
    ]  # fmt: skip
    assert "populate_m_u_from_lookup(" in inspect.getsource(em)


# The source of splink 5.0.0's populate_m_u_from_lookup, which the floor wraps: it reads
# m_probability from the lookup per comparison level, so raising it there floors m.
PINNED_SOURCE_SHA256 = "8c64e484522fa0a559d1c2fdaf3e71d0ef6171c56bc7e7e741c18012c9295fdb"


def test_the_patched_function_is_the_very_code_the_floor_was_written_against() -> None:
    source = inspect.getsource(em.populate_m_u_from_lookup)
    assert hashlib.sha256(source.encode("utf-8")).hexdigest() == PINNED_SOURCE_SHA256


def test_the_floor_raises_tiny_m_and_is_undone_afterwards() -> None:
    original = em.populate_m_u_from_lookup
    seen: list[float] = []

    class Level:
        comparison_vector_value = 1

    lookup = {"surname": {1: {"m_probability": 1e-300, "u_probability": 0.5}}}
    with se.floored_em():
        assert em.populate_m_u_from_lookup is not original
        # The fake level lacks what Splink then sets on it; only the floored lookup matters.
        with contextlib.suppress(AttributeError, TypeError):
            em.populate_m_u_from_lookup(set(), Level(), "surname", lookup)
        seen.append(lookup["surname"][1]["m_probability"])
    assert em.populate_m_u_from_lookup is original
    assert seen == [se.M_FLOOR]


def test_two_threads_never_patch_at_once() -> None:
    original = em.populate_m_u_from_lookup
    inside = 0
    most = 0
    guard = threading.Lock()

    def train() -> None:
        nonlocal inside, most
        with se.floored_em():
            with guard:
                inside += 1
                most = max(most, inside)
            threading.Event().wait(0.01)
            with guard:
                inside -= 1

    threads = [threading.Thread(target=train) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1
    assert em.populate_m_u_from_lookup is original
