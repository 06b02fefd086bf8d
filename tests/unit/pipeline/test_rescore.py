"""The rescore's comparison of published and rescored outcome scores."""

from flows.pipeline.rescore import score_changes


def test_rescore_lists_every_changed_score():
    before = [("a", 1, 70), ("a", 2, 80), ("b", 1, 60)]
    after = [("a", 1, 71), ("a", 2, 80), ("b", 1, None), ("c", 1, 50)]
    assert score_changes(before, after) == [("a", 1, 70, 71), ("b", 1, 60, None), ("c", 1, None, 50)]
