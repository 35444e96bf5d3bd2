"""Proof bundles verify offline, and hostile bundles give a clean VerificationError."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.ledger.checkpoint import Checkpoint
from homeward.ledger.events import make_leaf
from homeward.ledger.export_format import dump_bundle, make_proof_bundle
from homeward.ledger.merkle import CompactRange, inclusion_proof, leaf_hash
from homeward.ledger.note import COSIGNATURE_V1, Signer, sign_note
from homeward.ledger.verify import VerificationError, verify_proof_bundle

MED, UA = Signer.generate("MED"), Signer.generate("UA", COSIGNATURE_V1)


def _bundle(index: int = 5, size: int = 11) -> dict[str, Any]:
    leaves = [
        make_leaf("handover_recorded", {"seq": i}, "2025-05-24T09:00:00Z") for i in range(size)
    ]
    tree, nodes = CompactRange(), {}
    for i, leaf in enumerate(leaves):
        nodes[(0, i)] = leaf_hash(leaf)
        nodes.update(tree.append(nodes[(0, i)]))
    body = Checkpoint("homeward.test/bundle", size, tree.root()).body()
    note = sign_note(body, [MED]) + UA.signature_line(body, 1_716_000_000)
    proof = inclusion_proof(index, size, lambda ids: nodes)
    return make_proof_bundle(
        leaves[index],
        index=index,
        tree_size=size,
        proof=proof,
        note=note,
        keys=[MED.verifier, UA.verifier],
    )


def test_a_bundle_for_every_entry_verifies_offline() -> None:
    for index in range(11):
        assert verify_proof_bundle(dump_bundle(_bundle(index))).checkpoint.size == 11


def test_a_bundle_with_another_leaf_names_the_entry() -> None:
    bundle = _bundle()
    bundle["leaf"] = bundle["leaf"].replace('"seq":5', '"seq":6')
    with pytest.raises(VerificationError, match="proof bundle: entry 5: inclusion proof"):
        verify_proof_bundle(dump_bundle(bundle))


def test_a_bundle_checked_against_other_trusted_keys_fails() -> None:
    with pytest.raises(VerificationError, match="no signature by a known key"):
        verify_proof_bundle(dump_bundle(_bundle()), trusted=[Signer.generate("MED").verifier])


def test_a_bundle_with_an_absurdly_long_number_is_refused_cleanly() -> None:
    with pytest.raises(VerificationError, match="not a JSON document"):
        verify_proof_bundle(b'{"index": ' + b"7" * 5000 + b"}")


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_give_a_verification_error(data: bytes) -> None:
    with pytest.raises(VerificationError):
        verify_proof_bundle(data)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(sorted(_bundle())), value=JSONISH)
def test_any_field_replaced_by_any_json_gives_a_verification_error(
    field: str, value: object
) -> None:
    bundle = _bundle()
    if bundle[field] == value:
        return
    bundle[field] = value
    with pytest.raises(VerificationError):
        verify_proof_bundle(json.dumps(bundle).encode())
