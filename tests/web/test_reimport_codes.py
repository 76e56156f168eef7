"""Codes hold through revisions: re-importing a 修订稿 keeps the code of every task whose text is
unchanged or lightly edited, however many paragraphs were inserted or removed before it; new tasks
get codes the ledger never used; a task gone from the draft is kept and shown to the office."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from luoshi.tasks import actions
from luoshi.tasks.decomposing import decompose_for, document_fields
from luoshi.tasks.models import Task

INSERTED = (Path(__file__).resolve().parents[1] / "data" / "reimport" / "inserted-paragraph.txt").read_text("utf-8")
FIRST_THEME = "深入推进教育高质量发展。"  # the first theme of the sample's first section
REWORDED = ("加大学前教育普及普惠力度,推进普惠资源扩容增效。", "加大学前教育普及普惠力度,推进普惠性资源扩容增效。")


def publish_all(report, supervisor) -> dict[int, str]:
    """Every task of the report given its suggested lead and published (交办); returns pk → code."""
    tasks = report.tasks.filter(kind="task")
    actions.accept_suggestions(report, tasks.values_list("pk", flat=True), supervisor)
    actions.publish(report, supervisor)
    assert not tasks.filter(published_at__isnull=True).exists()
    return dict(report.tasks.values_list("pk", "code"))


def reimport(report, supervisor, text: str) -> dict:
    document, drafts = decompose_for(report.government, text, 2023)
    return actions.reimport_report(report, supervisor, drafts=drafts, year=2023, **document_fields(document))


def assert_codes_unique(report) -> None:
    repeated = [code for code, n in Counter(report.tasks.values_list("code", flat=True)).items() if n > 1]
    assert not repeated, repeated


def test_a_revision_with_a_paragraph_inserted_near_the_start_and_a_task_reworded_keeps_every_published_code(
    report, supervisor
):
    before = publish_all(report, supervisor)
    reworded = report.tasks.get(text=REWORDED[0])
    assert report.source_text.count(FIRST_THEME) == 1 and report.source_text.count(REWORDED[0]) == 1
    revised = report.source_text.replace(FIRST_THEME, INSERTED + "\n\n" + FIRST_THEME).replace(*REWORDED)

    summary = reimport(report, supervisor, revised)

    after = dict(report.tasks.values_list("pk", "code"))
    assert {pk: after[pk] for pk in before} == before  # every published code holds, the reworded one too
    reworded.refresh_from_db()
    assert reworded.text == REWORDED[1] and reworded.code in summary["updated"]
    assert reworded.is_published and reworded.lead_unit is not None
    new = report.tasks.exclude(pk__in=before)
    assert sorted(new.values_list("text", flat=True)) == sorted(
        ["实施柴达木英才引进计划,全年引进急需紧缺人才100名以上。", "完善人才住房、子女入学等服务保障。"]
    )
    assert not set(new.values_list("code", flat=True)) & set(before.values())  # codes never used before
    assert sorted(summary["created"]) == sorted(new.values_list("code", flat=True))
    assert summary["unmatched"] == []
    assert_codes_unique(report)


def test_the_old_matching_by_code_would_have_moved_the_codes(report, supervisor):
    """The engine's codes for the revision differ from the ledger's for the tasks after the insertion:
    the re-import keeps the ledger's, not the engine's."""
    publish_all(report, supervisor)
    revised = report.source_text.replace(FIRST_THEME, INSERTED + "\n\n" + FIRST_THEME)
    drafts = decompose_for(report.government, revised, 2023)[1]
    engine = {d.text: d.code for d in drafts if d.kind == "task"}
    ledger = dict(report.tasks.filter(kind="task").values_list("text", "code"))
    moved = [text for text, code in ledger.items() if engine.get(text) != code]
    assert len(moved) > 10
    reimport(report, supervisor, revised)
    assert dict(report.tasks.filter(text__in=moved).values_list("text", "code")) == {t: ledger[t] for t in moved}


def test_a_task_removed_from_the_draft_is_kept_flagged_and_its_code_never_given_again(report, supervisor, client_for):
    before = publish_all(report, supervisor)
    tasks = list(report.tasks.filter(kind="task").order_by("position"))
    removed, previous = tasks[3], tasks[2]
    shorter = report.source_text.replace(removed.text, "")
    summary = reimport(report, supervisor, shorter)

    assert Task.objects.filter(pk=removed.pk, code=before[removed.pk]).exists()  # kept, not deleted
    assert summary["unmatched"] == [{"id": removed.pk, "code": removed.code, "text": removed.text, "published": True}]
    page = client_for(supervisor).get(f"/reports/{report.pk}/").content.decode()
    assert "修订稿中已没有的旧任务" in page and f'href="#task-{removed.pk}"' in page and "已交办" in page

    # a later revision puts a new sentence where the removed one stood: the engine gives it the
    # removed task's code, the ledger a code it never used
    added = "全面推进新增的一项重点工作,确保取得实效。"
    revised = report.source_text.replace(previous.text, previous.text + added, 1)
    drafts = decompose_for(report.government, revised, 2023)[1]
    assert next(d.code for d in drafts if d.text == added) == removed.code
    summary = reimport(report, supervisor, revised)
    fresh = report.tasks.get(text=added)
    assert fresh.code != removed.code and fresh.code not in before.values()
    assert summary["created"] == [fresh.code]
    assert_codes_unique(report)


def test_reimporting_the_same_draft_twice_keeps_the_codes_and_adds_nothing(report, supervisor):
    before = publish_all(report, supervisor)
    revised = report.source_text.replace(FIRST_THEME, INSERTED + "\n\n" + FIRST_THEME)
    reimport(report, supervisor, revised)
    codes = dict(report.tasks.values_list("pk", "code"))
    summary = reimport(report, supervisor, revised)
    assert summary["created"] == [] and summary["unmatched"] == []
    assert dict(report.tasks.values_list("pk", "code")) == codes
    assert {pk: codes[pk] for pk in before} == before
