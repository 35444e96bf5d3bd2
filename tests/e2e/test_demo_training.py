"""`homeward demo --until planned`: a training workspace, planned and checkpointed, nobody
handed over yet."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from homeward.adapters.checkin_secret import FILE_NAME
from homeward.adapters.db import make_engine
from homeward.adapters.tables_exchange import handovers, releases
from homeward.adapters.tables_ledger import ledger_checkpoints as checkpoints
from homeward.cli import main


def test_a_training_workspace_is_planned_and_checkpointed_with_nobody_handed_over(
    tmp_path: Path,
) -> None:
    out = tmp_path / "training"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEWARD_")}
    result = CliRunner(env=env).invoke(
        main, ["demo", "--seed", "2", "--out", str(out), "--until", "planned"]
    )
    assert result.exit_code == 0, result.output
    assert "nobody handed over yet" in result.output
    engine = make_engine(f"sqlite:///{out / 'homeward.db'}")
    with engine.connect() as conn:
        states = dict(
            conn.execute(select(handovers.c.state, func.count()).group_by(handovers.c.state)).all()
        )
        assert conn.execute(select(func.count()).select_from(releases)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(checkpoints)).scalar_one() >= 1
    engine.dispose()
    assert states == {"planned": 2000}
    secret = out / "keys" / FILE_NAME
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert not any(FILE_NAME in p.name for p in (out / "ledger").rglob("*"))
