"""RFC 9162 Merkle tree hashing, proofs and proof verification, on hashlib only.

Proofs are built from *perfect* subtrees: node ``(level, index)`` is the hash of leaves
``[index * 2**level, (index + 1) * 2**level)``. Those nodes never change once complete, so
a store can keep them and answer a proof for any tree size with O(log n) look-ups.

>>> root_of([leaf_hash(b"")]).hex()[:16]
'6e340b9cffb37a98'
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "CompactRange",
    "NodeId",
    "ProofError",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "perfect_nodes",
    "root_of",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]
"""(level, index) of a perfect subtree."""

NodeFetcher = Callable[[Sequence[NodeId]], Mapping[NodeId, bytes]]


class ProofError(ValueError):
    """A proof is malformed or does not prove what it claims."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """Largest k = 2**i with k < n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


class CompactRange:
    """The right frontier of a growing tree: one perfect subtree per set bit of ``size``.

    ``append`` returns the perfect nodes (level >= 1) that the new leaf completes, which is
    what a store persists so later proofs need no recomputation.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ValueError(f"a range of size {size} needs {size.bit_count()} hashes")
        self.size = size
        self.hashes = list(hashes)

    @staticmethod
    def frontier_ids(size: int) -> list[NodeId]:
        """Node ids of the frontier of a tree of ``size`` leaves, left to right."""
        ids: list[NodeId] = []
        start = 0
        for level in range(size.bit_length() - 1, -1, -1):
            if size >> level & 1:
                ids.append((level, start >> level))
                start += 1 << level
        return ids

    def append(self, hash_: bytes) -> list[tuple[NodeId, bytes]]:
        index = self.size
        completed: list[tuple[NodeId, bytes]] = []
        level = 0
        while index >> level & 1:
            hash_ = node_hash(self.hashes.pop(), hash_)
            level += 1
            completed.append(((level, index >> level), hash_))
        self.hashes.append(hash_)
        self.size += 1
        return completed

    def root(self) -> bytes:
        if not self.hashes:
            return EMPTY_ROOT
        acc = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            acc = node_hash(h, acc)
        return acc


def root_of(leaf_hashes: Iterable[bytes]) -> bytes:
    cr = CompactRange()
    for h in leaf_hashes:
        cr.append(h)
    return cr.root()


def perfect_nodes(lo: int, hi: int) -> list[NodeId]:
    """Perfect subtrees covering ``[lo, hi)``, left to right (``lo`` aligned as in RFC)."""
    ids: list[NodeId] = []
    while lo < hi:
        size = hi - lo
        level = size.bit_length() - 1
        while lo & ((1 << level) - 1):
            level -= 1
        ids.append((level, lo >> level))
        lo += 1 << level
    return ids


def _fold(ids: Sequence[NodeId], nodes: Mapping[NodeId, bytes]) -> bytes:
    acc = nodes[ids[-1]]
    for node in reversed(ids[:-1]):
        acc = node_hash(nodes[node], acc)
    return acc


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_power_of_two_below(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo = lo + k
    ranges.reverse()
    return ranges


def _consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    lo, hi, m, whole = 0, new, old, True
    while True:
        if m == hi - lo:
            if not whole:
                ranges.append((lo, hi))
            break
        k = _largest_power_of_two_below(hi - lo)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, m, whole = lo + k, m - k, False
    ranges.reverse()
    return ranges


def _materialise(ranges: list[tuple[int, int]], fetch: NodeFetcher) -> list[bytes]:
    per_range = [perfect_nodes(lo, hi) for lo, hi in ranges]
    wanted = sorted({node for ids in per_range for node in ids})
    nodes = fetch(wanted) if wanted else {}
    missing = [node for node in wanted if node not in nodes]
    if missing:
        raise LookupError(f"node store lacks perfect subtrees {missing[:3]}")
    return [_fold(ids, nodes) for ids in per_range]


def inclusion_proof(index: int, size: int, fetch: NodeFetcher) -> list[bytes]:
    """RFC 9162 PATH(index, D[size]), leaf side first; ``fetch`` returns perfect nodes."""
    if not 0 <= index < size:
        raise ValueError(f"index {index} is outside a tree of size {size}")
    return _materialise(_inclusion_ranges(index, size), fetch)


def consistency_proof(old: int, new: int, fetch: NodeFetcher) -> list[bytes]:
    """RFC 9162 PROOF(old, D[new]); empty when ``old`` is 0 or equals ``new``."""
    if not 0 <= old <= new:
        raise ValueError(f"cannot prove size {old} consistent with size {new}")
    if old in (0, new):
        return []
    return _materialise(_consistency_ranges(old, new), fetch)


def _check_hashes(proof: Sequence[bytes], *named: tuple[str, bytes]) -> None:
    for name, value in named:
        if len(value) != HASH_SIZE:
            raise ProofError(f"{name} is {len(value)} bytes, want {HASH_SIZE}")
    for i, p in enumerate(proof):
        if len(p) != HASH_SIZE:
            raise ProofError(f"proof element {i} is {len(p)} bytes, want {HASH_SIZE}")


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 2.1.3.2 with ``leaf`` the leaf *hash*; raise ProofError if it fails."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_hashes(proof, ("leaf hash", leaf), ("root", root))
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not (fn & 1 or fn == 0):
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the tree is deep")
    if r != root:
        raise ProofError("inclusion proof does not lead to the root")


def verify_consistency(
    old: int, new: int, proof: Sequence[bytes], old_root: bytes, new_root: bytes
) -> None:
    """RFC 9162 2.1.4.2; raise ProofError unless the tree of ``old`` is a prefix of ``new``.

    A proof from the empty tree proves nothing and is refused, as the RFC 6962 test
    vectors expect. Equal sizes need an empty proof and equal roots.
    """
    if new < old:
        raise ProofError(f"new size {new} is smaller than old size {old}")
    if old == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if old == new:
        if proof:
            raise ProofError("sizes are equal but the proof is not empty")
        if old_root != new_root:
            raise ProofError("sizes are equal but the roots differ")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    _check_hashes(proof, ("old root", old_root), ("new root", new_root))
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not (fn & 1 or fn == 0):
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("consistency proof does not lead to the new root")
