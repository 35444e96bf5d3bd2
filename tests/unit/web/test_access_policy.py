"""The access policy as a pure function (no I/O)."""

from __future__ import annotations

import pytest

from homeward.domain.values import Side
from homeward.services.access import (
    AccessDenied,
    Action,
    MemoryAccessLog,
    Principal,
    Resource,
    ResourceKind,
    Role,
    authorize,
    check_role_party,
    decide,
)

UA_OFFICER = Principal(1, "ua.officer", Side.UA, Role.PARTY_OFFICER)
UA_VIEWER = Principal(2, "ua.viewer", Side.UA, Role.PARTY_VIEWER)
COORD = Principal(3, "med.coordinator", Side.MEDIATOR, Role.MEDIATOR_COORDINATOR)
VERIFIER = Principal(4, "med.verifier", Side.MEDIATOR, Role.MEDIATOR_VERIFIER)
ADMIN = Principal(5, "admin", Side.MEDIATOR, Role.ADMINISTRATOR)


def test_a_party_reads_its_own_registry_but_not_the_other_sides() -> None:
    assert decide(UA_OFFICER, Action.READ, Resource(ResourceKind.REGISTRY, Side.UA)).allowed
    other = decide(UA_OFFICER, Action.READ, Resource(ResourceKind.REGISTRY, Side.RU))
    assert not other.allowed
    assert other.status == 404


def test_a_viewer_cannot_change_data() -> None:
    assert not decide(UA_VIEWER, Action.WRITE, Resource(ResourceKind.REGISTRY, Side.UA)).allowed
    assert not decide(UA_VIEWER, Action.SIGN, Resource(ResourceKind.AGREEMENT, Side.UA)).allowed


def test_a_party_sees_the_other_sides_list_only_once_shared() -> None:
    private = Resource(ResourceKind.LIST, Side.RU, "7", shared=False)
    shared = Resource(ResourceKind.LIST, Side.RU, "7", shared=True)
    assert not decide(UA_OFFICER, Action.READ, private).allowed
    assert decide(UA_OFFICER, Action.READ, shared).allowed
    assert not decide(UA_OFFICER, Action.WRITE, shared).allowed


def test_interview_notes_are_the_mediators_alone() -> None:
    note = Resource(ResourceKind.INTERVIEW, None, "12")
    assert decide(VERIFIER, Action.WRITE, note).allowed
    assert decide(COORD, Action.READ, note).allowed
    for outsider in (UA_OFFICER, UA_VIEWER, ADMIN):
        assert not decide(outsider, Action.READ, note).allowed


def test_the_administrator_manages_accounts_but_sees_no_personal_data() -> None:
    assert decide(ADMIN, Action.WRITE, Resource(ResourceKind.USERS)).allowed
    for kind in (
        ResourceKind.REGISTRY,
        ResourceKind.LIST,
        ResourceKind.MATCH,
        ResourceKind.HANDOVER,
        ResourceKind.INTERVIEW,
        ResourceKind.PLAN,
    ):
        assert not decide(ADMIN, Action.READ, Resource(kind, Side.UA)).allowed


def test_the_mediator_does_not_read_raw_registries_or_drafts() -> None:
    for kind in (ResourceKind.REGISTRY, ResourceKind.DRAFT, ResourceKind.QUARANTINE):
        assert not decide(COORD, Action.READ, Resource(kind, Side.UA)).allowed


def test_every_decision_on_personal_data_is_logged_and_a_refusal_raises() -> None:
    log = MemoryAccessLog()
    authorize(UA_OFFICER, Action.READ, Resource(ResourceKind.REGISTRY, Side.UA), log)
    with pytest.raises(AccessDenied) as refused:
        authorize(UA_OFFICER, Action.READ, Resource(ResourceKind.REGISTRY, Side.RU), log)
    assert refused.value.status == 404
    authorize(UA_OFFICER, Action.READ, Resource(ResourceKind.PUBLIC), log)
    assert [(e[2].party, e[3].allowed) for e in log.entries] == [(Side.UA, True), (Side.RU, False)]


def test_party_roles_belong_to_a_party_and_mediator_roles_to_med() -> None:
    check_role_party(Role.PARTY_OFFICER, Side.RU)
    check_role_party(Role.ADMINISTRATOR, Side.MEDIATOR)
    with pytest.raises(ValueError, match="belongs to a party"):
        check_role_party(Role.PARTY_VIEWER, Side.MEDIATOR)
    with pytest.raises(ValueError, match="belongs to the mediator"):
        check_role_party(Role.MEDIATOR_VERIFIER, Side.UA)


def test_only_the_receiving_partys_officer_confirms_its_receipt() -> None:
    to_ua = Resource(ResourceKind.RECEIPT, Side.UA, "12")
    assert decide(UA_OFFICER, Action.WRITE, to_ua).allowed
    for refused in (UA_VIEWER, COORD, VERIFIER, ADMIN):
        assert not decide(refused, Action.WRITE, to_ua).allowed, refused.role
    ru_officer = Principal(6, "ru.officer", Side.RU, Role.PARTY_OFFICER)
    other = decide(ru_officer, Action.WRITE, to_ua)
    assert (other.allowed, other.status) == (False, 404)
    # and the crossing's other steps are the field verifier's, never a party's
    steps = Resource(ResourceKind.HANDOVER, Side.UA, "12")
    assert decide(VERIFIER, Action.WRITE, steps).allowed
    assert not decide(UA_OFFICER, Action.WRITE, steps).allowed


def test_rebalancing_proposals_are_the_mediators_alone() -> None:
    proposal = Resource(ResourceKind.PROPOSAL, None, "3")
    for mediator in (COORD, VERIFIER):
        assert decide(mediator, Action.WRITE, proposal).allowed
    for outsider in (UA_OFFICER, UA_VIEWER, ADMIN):
        assert not decide(outsider, Action.READ, proposal).allowed
