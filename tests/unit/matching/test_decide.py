"""Decision bands: one result per request, reasons kept, namesakes sent to review."""

import pytest

from homeward.matching.decide import Candidate, Decision, Thresholds, decide


def cand(request: str, record: str, p: float, w: float) -> Candidate:
    return Candidate(request, record, p, w, {"surname": 3.0, "date_of_birth": w - 3.0})


def test_every_request_gets_exactly_one_result_in_order() -> None:
    results = decide(["Q2", "Q1", "Q3"], [cand("Q1", "R1", 0.999, 20.0)])
    assert [r.request_id for r in results] == ["Q2", "Q1", "Q3"]
    assert [r.decision for r in results] == [Decision.NO_MATCH, Decision.MATCH, Decision.NO_MATCH]


def test_no_match_has_no_record_and_a_match_keeps_its_field_weights() -> None:
    low, high = decide(["Q1", "Q2"], [cand("Q1", "R1", 0.2, -2.0), cand("Q2", "R2", 0.99, 15.0)])
    assert (low.decision, low.record_id) == (Decision.NO_MATCH, None)
    assert high.field_weights == {"surname": 3.0, "date_of_birth": 12.0}


def test_the_middle_band_is_review() -> None:
    [result] = decide(["Q1"], [cand("Q1", "R1", 0.7, 1.0)])
    assert (result.decision, result.record_id) == (Decision.REVIEW, "R1")


def test_a_close_runner_up_sends_a_match_to_review() -> None:
    pairs = [cand("Q1", "R1", 0.999, 12.0), cand("Q1", "R2", 0.998, 11.0)]
    [result] = decide(["Q1"], pairs)
    assert result.decision is Decision.REVIEW
    assert result.runner_up == "R2"


def test_a_distant_runner_up_leaves_the_match_alone() -> None:
    pairs = [cand("Q1", "R1", 0.9999, 16.0), cand("Q1", "R2", 0.6, 1.0)]
    [result] = decide(["Q1"], pairs, Thresholds(match=0.99, review=0.5, margin=3.0))
    assert (result.decision, result.record_id) == (Decision.MATCH, "R1")


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="review <= match"):
        Thresholds(match=0.4, review=0.6)


def test_a_twin_whose_known_given_name_plainly_differs_is_no_match() -> None:
    twin = Candidate("Q1", "R1", 0.9999, 25.0, {"given_name": -8.4, "surname": 9.0,
                                               "date_of_birth": 13.0, "unit": 12.0})  # fmt: skip
    [result] = decide(["Q1"], [twin])
    assert (result.decision, result.record_id) == (Decision.NO_MATCH, None)


def test_a_plainly_different_given_name_outside_the_tables_goes_to_review() -> None:
    typo = Candidate("Q1", "R1", 0.9999, 25.0, {"given_name": -8.4, "surname": 9.0,
                                               "date_of_birth": 13.0, "unit": 12.0})  # fmt: skip
    [result] = decide(["Q1"], [typo], flags={"Q1": "given_name_not_in_tables"})
    assert (result.decision, result.record_id) == (Decision.REVIEW, "R1")


def test_an_agreeing_service_number_lifts_the_veto_of_a_disagreeing_date() -> None:
    weights = {"given_name": 6.0, "surname": 7.0, "date_of_birth": -8.0, "service_number": 14.0}
    pair = Candidate("Q1", "R1", 0.9999, 25.0, weights)
    [result] = decide(["Q1"], [pair])
    assert result.decision is Decision.MATCH


def test_names_alone_need_more_than_the_match_threshold() -> None:
    names_only = {"given_name": 6.0, "surname": 9.0, "patronymic": 5.8, "date_of_birth": 0.0}
    fair = Candidate("Q1", "R1", 0.97, 5.0, names_only)
    sure = Candidate("Q2", "R2", 0.999, 10.0, names_only)
    first, second = decide(["Q1", "Q2"], [fair, sure])
    assert first.decision is Decision.REVIEW
    assert second.decision is Decision.MATCH


def test_a_match_read_with_the_names_swapped_is_flagged() -> None:
    pair = Candidate("Q1", "R1", 0.9999, 20.0, {"surname": 9.0, "date_of_birth": 13.0,
                                                "names_swapped": -4.3})  # fmt: skip
    [result] = decide(["Q1"], [pair], flags={"Q1": "lookalikes_fixed"})
    assert result.flags == "lookalikes_fixed,names_swapped"


def test_a_pair_below_the_match_band_whose_given_name_plainly_disagrees_is_no_match() -> None:
    weights = {"given_name": -8.8, "surname": 9.0, "patronymic": 5.8, "date_of_birth": 13.4}
    [result] = decide(["Q1"], [Candidate("Q1", "R1", 0.6, 0.6, weights)])
    assert (result.decision, result.record_id, result.runner_up) == (Decision.NO_MATCH, None, None)
    assert result.field_weights == weights  # the reasons stay for the page


def test_an_agreeing_service_number_keeps_a_disagreeing_pair_in_review() -> None:
    weights = {"given_name": -8.8, "surname": 9.0, "service_number": 0.5}
    [result] = decide(["Q1"], [Candidate("Q1", "R1", 0.6, 0.6, weights)])
    assert (result.decision, result.record_id) == (Decision.REVIEW, "R1")


def test_a_known_given_name_other_than_the_records_sends_a_match_to_review() -> None:
    weights = {"given_name": -0.3, "surname": 10.6, "patronymic": 5.8, "date_of_birth": 13.4}
    [result] = decide(["Q1"], [Candidate("Q1", "R1", 0.999, 10.0, weights)])
    assert (result.decision, result.record_id) == (Decision.REVIEW, "R1")


def test_a_given_name_outside_the_tables_that_is_close_still_matches() -> None:
    weights = {"given_name": -0.3, "surname": 10.6, "patronymic": 5.8, "date_of_birth": 13.4}
    [result] = decide(
        ["Q1"],
        [Candidate("Q1", "R1", 0.999, 10.0, weights)],
        flags={"Q1": "given_name_not_in_tables"},
    )
    assert (result.decision, result.record_id) == (Decision.MATCH, "R1")
