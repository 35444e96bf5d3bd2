"""What the mediator records about each witness: the last checkpoint it cosigned.

The cosigning rule itself (never sign a rewritten history) is the witness's, in
``homeward.ledger.witness``, run by each party's own cosigner on its own machine.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CosignerState", "DivergenceError"]


class DivergenceError(Exception):
    """The log presented a checkpoint inconsistent with what a party cosigned before."""


@dataclass(frozen=True)
class CosignerState:
    """The last checkpoint a witness cosigned (size 0: none yet)."""

    size: int
    root: bytes
