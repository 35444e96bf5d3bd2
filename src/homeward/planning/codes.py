"""Short check-in codes: 6 characters, derived from person and tranche, nothing ambiguous.

The alphabet leaves out 0/O, 1/I/L and U so a code read aloud or typed from paper survives.
Codes are an HMAC-SHA256 under a secret ``key`` (the workspace's, see
``adapters.checkin_secret``; there is no built-in key), so they cannot be computed by
someone who only knows the person ids.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 6


def checkin_code(person_id: str, tranche_id: str, key: bytes, salt: int = 0) -> str:
    """The code for a person in a tranche.

    >>> len(checkin_code("UA-00001", "day-1", b"a workspace secret"))
    6
    """
    if len(key) < 16:
        raise ValueError("a check-in code key needs at least 16 bytes of secret")
    msg = f"{tranche_id}\x1f{person_id}\x1f{salt}".encode()
    number = int.from_bytes(hmac.new(key, msg, hashlib.sha256).digest()[:8], "big")
    out = []
    for _ in range(LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        out.append(ALPHABET[digit])
    return "".join(out)


def checkin_codes(tranche_id: str, person_ids: Iterable[str], key: bytes) -> dict[str, str]:
    """Codes for everyone in a tranche, unique within it (a clash takes the next salt).

    Clashes are resolved in sorted id order, so the result does not depend on list order.
    """
    taken: set[str] = set()
    out: dict[str, str] = {}
    for pid in sorted(set(person_ids)):
        salt = 0
        code = checkin_code(pid, tranche_id, key, salt)
        while code in taken:
            salt += 1
            code = checkin_code(pid, tranche_id, key, salt)
        taken.add(code)
        out[pid] = code
    return out
