"""The capstone's drill pictures and scoreboard (k8slite/viz/scoreboard.py)."""

from __future__ import annotations

from k8slite.viz.scoreboard import Drill, Sample, drill_strip, scoreboard, scoreboard_table

DRILLS = [Drill("1. node dies", "page served", "3 requests failed", 355.0, True),
          Drill("2. bad image", "rollout stalls", "never recovered", None, False)]


def test_the_table_has_a_line_per_drill_with_its_recovery_and_result() -> None:
    lines = scoreboard_table(DRILLS).splitlines()
    assert lines[0].split() == ["DRILL", "EXPECTED", "HAPPENED", "RECOVERED", "IN", "RESULT"]
    assert lines[1].startswith("1. node dies") and "355 s" in lines[1] and lines[1].endswith("PASS")
    assert "never" in lines[2] and lines[2].endswith("FAIL")


def test_the_picture_colours_each_result() -> None:
    fig = scoreboard(DRILLS)
    table = fig.axes[0].tables[0]
    assert table[1, 4].get_text().get_text() == "PASS"
    assert table[1, 4].get_facecolor() != table[2, 4].get_facecolor()


def test_the_strip_draws_answered_and_failed_requests_and_the_marks() -> None:
    samples = [Sample(5, 4, 4, 3), Sample(10, 1, 4, 3), Sample(15, 4, 4, 2)]
    ax = drill_strip(samples, [(0, "node-1 fails")], "Drill").axes[0]
    heights = [round(p.get_height()) for p in ax.patches]
    assert heights == [4, 1, 4, 0, 3, 0]  # answered, then failed, per sample
    assert [t.get_text() for t in ax.texts] == [" node-1 fails"]
