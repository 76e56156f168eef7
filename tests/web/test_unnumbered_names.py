"""A part or section the report does not number is named by its own title everywhere, never 未定."""

from __future__ import annotations

from luoshi.dashboards import stats
from luoshi.tasks.models import Task


def test_the_government_itself_part_names_its_tasks_section(report):
    own = Task.objects.filter(report=report, kind="task", part_title="切实加强政府自身建设")
    assert own.exists()
    assert set(own.values_list("section_number", "section_title")) == {("", "切实加强政府自身建设")}
    assert not Task.objects.filter(report=report, section_title="").exists()


def test_grouping_by_section_shows_no_undecided_section(report):
    rows = stats.collect(Task.objects.filter(report=report, kind="task"))
    labels = [group.label for group in stats.group_by(rows, "section")]
    assert "未定" not in labels
    assert "切实加强政府自身建设" in labels
