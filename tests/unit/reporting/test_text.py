"""The sentences the aggregate report writes from data, checked against hand-made groups."""

from __future__ import annotations

from flows.reporting.text import (
    Comparison,
    GroupQuestion,
    excluded_from_findings,
    funnel_findings,
    funnel_summary,
    outcome_overview,
    strongest_and_weakest,
    suppression_summary,
    widest_variation,
)


def question(qid: str, pct: int | None, n_relevant: int = 100, areas: dict | None = None) -> GroupQuestion:
    return GroupQuestion(qid, f"Was {qid} done?", qid[1:4], "Assessment", pct, round((pct or 0) * n_relevant / 100), n_relevant,
                         areas if areas is not None else {"Kent": pct, "Essex": pct})


def test_strongest_and_weakest_rank_by_pooled_score_and_skip_small_questions():
    questions = [
        question("q1.1.1", 90), question("q1.1.2", 40), question("q1.1.3", 99, n_relevant=12),  # too few cases
        question("q2.1.1", 95), question("q2.1.2", 60), question("q2.1.3", 75), question("q2.1.4", 40),
    ]
    strongest, weakest = strongest_and_weakest(questions, n=2)
    assert [f.question_id for f in strongest] == ["q2.1.1", "q1.1.1"]
    # a tie at 40% goes to the earlier question
    assert [f.question_id for f in weakest] == ["q1.1.2", "q2.1.4"]
    assert excluded_from_findings(questions) == "1 question with fewer than 30 relevant cases across the group is not ranked: q1.1.3."


def test_a_question_is_never_both_strongest_and_weakest():
    strongest, weakest = strongest_and_weakest([question("q1.1.1", 80), question("q1.1.2", 70)], n=3)
    assert [f.question_id for f in strongest] == ["q1.1.1", "q1.1.2"]
    assert weakest == []


def test_question_numbers_sort_numerically():
    strongest, _ = strongest_and_weakest([question("q2.10.1", 80), question("q2.9.1", 80)], n=1)
    assert strongest[0].question_id == "q2.9.1"


def test_finding_text_names_the_pooled_score_and_the_range_across_areas():
    q = GroupQuestion("q4.2.7", "Was management oversight effective?", "4.2", "Delivery of interventions", 33, 57, 174,
                      {"Hampshire": 39, "Kent": 26, "Essex": None})
    strongest, _ = strongest_and_weakest([q], n=1)
    assert strongest[0].text == (
        "Was management oversight effective (q4.2.7, criterion 4.2 Delivery of interventions): "
        "33% of 174 relevant cases across the group; from 26% in Kent to 39% in Hampshire."
    )


def test_widest_variation_between_areas():
    questions = [question("q1.1.1", 80, areas={"A": 70, "B": 90}), question("q1.1.2", 50, areas={"A": 20, "B": 80, "C": None})]
    assert widest_variation(questions) == (
        "The areas differed most on q1.1.2 (Was q1.1.2 done): 60 percentage points apart; from 20% in A to 80% in B."
    )
    assert widest_variation([question("q1.1.1", 80)]) == "Every area scored the same on every ranked question."


def test_outcome_overview_names_best_and_worst():
    assert outcome_overview([("Assisting sentencing", 79), ("Delivering the sentence", 82), ("Protecting the public", 71)]) == (
        "Across the group, work was strongest on Delivering the sentence (82% judged done well enough, cases pooled) "
        "and weakest on Protecting the public (71%)."
    )
    assert outcome_overview([("A", 70), ("B", 70)]) == "Every outcome scored 70% across the group."
    assert outcome_overview([("A", None)]) == "No outcome has a score yet."


def test_funnel_findings_and_summary():
    comparisons = [
        Comparison("Kent", "Assisting sentencing", 70, 81, "below 95% limit"),
        Comparison("Essex", "Assisting sentencing", 82, 79, "within limits"),
        Comparison("Essex", "Protecting the public", 76, 69, "above 99.8% limit"),
    ]
    assert funnel_findings(comparisons) == [
        "Kent scored 70% on Assisting sentencing, below the rest of its group (81%): outside the 95% limit.",
        "Essex scored 76% on Protecting the public, significantly above the rest of its group (69%): outside the 99.8% limit.",
    ]
    assert funnel_summary(comparisons) == (
        "2 of 3 area outcome scores lie outside the 95% funnel limits around the rest of their group "
        "(1 outside the 99.8% limits), in 2 areas: Essex, Kent."
    )
    within = [Comparison("Kent", "A", 70, 71, "within limits")]
    assert funnel_findings(within) == ["No area was outside the 95% funnel limits around the rest of its group on any outcome."]
    first = [Comparison("Kent", "A", 70, None, None)]
    assert funnel_findings(first)[0].startswith("No area can be compared")


def test_suppression_summary_counts_by_reason_never_values():
    assert suppression_summary("Offender survey", {"small_count": 3, "secondary": 1}, 40, 10) == (
        "Offender survey: 4 of 40 cells withheld (3 for a count of 1 to 9 respondents; 1 for a count withheld so that "
        "another withheld count cannot be worked out by subtraction)."
    )
    assert suppression_summary("Victims", {}, 12, 10) == (
        "Victims: all 12 cells published; none fell under the threshold of 10 respondents."
    )
    assert suppression_summary("Victims", {}, 0, 10) == "Victims: nothing published for these areas."
