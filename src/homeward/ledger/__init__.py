"""The ledger core: a co-signed transparency log of every exchange step (docs/ledger.md).

Pure code on hashlib and cryptography: ``canonical`` and ``events`` (leaf bytes),
``merkle`` (RFC 9162), ``note``, ``checkpoint`` and ``cosign`` (C2SP signed notes and
cosignatures), ``commitments`` (people as HMAC commitments), ``keys`` (encrypted key
files), ``export_format`` and ``verify`` (offline verification). Storage is in
``homeward.adapters.ledger_store``, use cases in ``homeward.services.ledger``.
"""
