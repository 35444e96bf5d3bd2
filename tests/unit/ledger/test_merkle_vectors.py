"""The Merkle core against every transparency-dev/merkle vector and the known-answer roots."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from homeward.ledger.merkle import (
    CompactRange,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# A verbatim copy of /work/shared/testdata/merkle (transparency-dev/merkle, Apache-2.0).
VECTORS = Path(__file__).parent / "vectors" / "merkle"

KNOWN_LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
KNOWN_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _files(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json"))


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def test_every_vector_directory_is_found() -> None:
    assert len(_files("inclusion")) > 50
    assert len(_files("consistency")) > 50


@pytest.mark.parametrize("path", _files("inclusion"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_inclusion_vector_is_accepted_or_rejected_as_the_vector_says(
    path: Path,
) -> None:
    case = _load(path)
    proof = [_b64(p) for p in case["proof"] or []]

    def run() -> None:
        verify_inclusion(
            _b64(case["leafHash"]),
            case["leafIdx"],
            case["treeSize"],
            proof,
            _b64(case["root"]),
        )

    if case["wantErr"]:
        with pytest.raises(ProofError):
            run()
    else:
        run()


@pytest.mark.parametrize("path", _files("consistency"), ids=lambda p: str(p.relative_to(VECTORS)))
def test_consistency_vector_is_accepted_or_rejected_as_the_vector_says(
    path: Path,
) -> None:
    case = _load(path)
    proof = [_b64(p) for p in case["proof"] or []]

    def run() -> None:
        verify_consistency(
            case["size1"],
            case["size2"],
            proof,
            _b64(case["root1"]),
            _b64(case["root2"]),
        )

    if case["wantErr"]:
        with pytest.raises(ProofError):
            run()
    else:
        run()


@pytest.mark.parametrize("n", range(1, 9))
def test_known_answer_root_matches_for_the_first_n_leaves(n: int) -> None:
    assert root_of(leaf_hash(leaf) for leaf in KNOWN_LEAVES[:n]).hex() == KNOWN_ROOTS[n - 1]


def _store(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    nodes: dict[tuple[int, int], bytes] = {}
    cr = CompactRange()
    for i, leaf in enumerate(leaves):
        h = leaf_hash(leaf)
        nodes[(0, i)] = h
        nodes.update(cr.append(h))
    return nodes


def test_generated_proofs_verify_for_every_index_and_size_up_to_33() -> None:
    leaves = [f"leaf {i}".encode() for i in range(33)]
    nodes = _store(leaves)
    roots = [root_of(nodes[(0, i)] for i in range(n)) for n in range(34)]
    for size in range(1, 34):
        for index in range(size):
            proof = inclusion_proof(index, size, lambda ids: nodes)
            verify_inclusion(nodes[(0, index)], index, size, proof, roots[size])
        for old in range(1, size + 1):
            cproof = consistency_proof(old, size, lambda ids: nodes)
            verify_consistency(old, size, cproof, roots[old], roots[size])


def test_generated_proofs_match_the_vectors_for_the_known_tree() -> None:
    nodes = _store(KNOWN_LEAVES)
    for path in _files("inclusion"):
        case = _load(path)
        if case["wantErr"] or case["treeSize"] > 8 or case["desc"] != "happy path":
            continue
        if _b64(case["root"]).hex() != KNOWN_ROOTS[case["treeSize"] - 1]:
            continue
        proof = inclusion_proof(case["leafIdx"], case["treeSize"], lambda ids: nodes)
        assert proof == [_b64(p) for p in case["proof"] or []]


def test_a_proof_element_of_the_wrong_length_is_rejected() -> None:
    nodes = _store(KNOWN_LEAVES)
    proof = inclusion_proof(2, 8, lambda ids: nodes)
    proof[0] = proof[0] + b"\x00"
    with pytest.raises(ProofError, match="33 bytes"):
        verify_inclusion(nodes[(0, 2)], 2, 8, proof, bytes.fromhex(KNOWN_ROOTS[7]))
