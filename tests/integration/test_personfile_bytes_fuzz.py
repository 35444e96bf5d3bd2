"""Byte-level damage, as scanners, other systems and hostile parties make it: it stays in
its row, or the file is refused whole with a PersonFileError; nothing else ever happens."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from homeward.adapters.personfile import PersonFileError, read_person_file

HEADER = b"record_id,surname,given_name,date_of_birth,status\n"
ROWS = 12
# Bytes that break rows: invalid UTF-8, a NUL, quotes, separators, a lone UTF-8 lead byte.
DAMAGE = st.lists(
    st.sampled_from(
        [b"\xff", b"\xfe", b"\xc3", b"\x00", b'"', b",", b";", b"\x80\x80", b"\xed\xa0"]
    ),
    min_size=1,
    max_size=4,
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _rows() -> list[bytes]:
    return [f"G-{i},Тестенко,Іван,1990-01-{i + 1:02d},полонений\n".encode() for i in range(ROWS)]


def _read(path: Path) -> list[tuple[int, bool, str]]:
    return [(r.line, r.ok, r.record.record_id if r.record else "") for r in read_person_file(path)]


@FUZZ
@given(
    target=st.integers(0, ROWS - 1),
    damage=DAMAGE,
    position=st.integers(0, 60),
)
def test_damage_inside_one_row_stays_in_that_row(
    tmp_path: Path, target: int, damage: list[bytes], position: int
) -> None:
    rows = _rows()
    line = rows[target]
    cut = min(position, len(line) - 1)
    rows[target] = line[:cut] + b"".join(damage) + line[cut:]
    path = tmp_path / "damaged.csv"
    path.write_bytes(HEADER + b"".join(rows))
    read = _read(path)
    assert [line for line, _, _ in read] == list(range(2, ROWS + 2))
    imported = {rid for _, ok, rid in read if ok}
    others = {f"G-{i}" for i in range(ROWS) if i != target}
    assert others <= imported


@FUZZ
@given(
    edits=st.lists(
        st.tuples(st.integers(0, 2000), st.binary(min_size=0, max_size=6), st.integers(0, 4)),
        min_size=1,
        max_size=8,
    )
)
def test_damage_anywhere_gives_rows_or_a_refusal_never_a_crash(
    tmp_path: Path, edits: list[tuple[int, bytes, int]]
) -> None:
    body = bytearray(HEADER + b"".join(_rows()))
    for offset, inserted, deleted in edits:
        at = offset % (len(body) + 1)
        body[at : at + deleted] = inserted
    path = tmp_path / "mangled.csv"
    path.write_bytes(bytes(body))
    try:
        read = _read(path)
    except PersonFileError as exc:
        refused = str(exc)
        assert refused.startswith(str(path)), refused  # a refusal is one allowed outcome
        return
    lines = [line for line, _, _ in read]
    assert lines == sorted(set(lines))  # every row once, in file order
    ids = [rid for _, ok, rid in read if ok]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("cut", [1, 7, 50, 200])
def test_a_file_cut_short_keeps_every_complete_row(tmp_path: Path, cut: int) -> None:
    body = HEADER + b"".join(_rows())
    path = tmp_path / "short.csv"
    path.write_bytes(body[: len(body) - cut])
    read = _read(path)
    complete = body[: len(body) - cut].count(b"\n") - 1
    assert sum(ok for _, ok, _ in read) >= complete
