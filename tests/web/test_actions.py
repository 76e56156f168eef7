"""Ledger writes: field-level audit, optimistic locking, structure edits, publishing, learning."""

from __future__ import annotations

import datetime

import pytest

from luoshi.accounts.models import Unit
from luoshi.audit.models import AuditEntry
from luoshi.errors import ConflictError
from luoshi.tasks import actions
from luoshi.tasks.models import SuggestionOverride, Task
from luoshi.text.assign import override_term


def units(report, *labels):
    found = {u.short_name: u for u in Unit.objects.filter(government=report.government, short_name__in=labels)}
    return [found[label] for label in labels]


def test_it_audits_every_changed_field_with_old_and_new(report, supervisor, leader, draft_task):
    edu, fin = units(report, "州教育局", "州财政局")
    old_text = draft_task.text
    changes = {
        "text": old_text + "修订",
        "targets": "建成一所学校",
        "lead_unit": edu,
        "co_units": [fin],
        "leader": leader,
        "task_force": "教育专班",
        "deadline": datetime.date(2023, 10, 31),
        "ongoing": True,
        "cycle": "quarterly",
        "due_day": 20,
        "tags": ["民生实事"],
        "status": "in_progress",
    }
    actions.update_task(draft_task.pk, supervisor, draft_task.version, changes)
    entries = {e.field: e for e in AuditEntry.objects.filter(task=draft_task, model="Task").exclude(field="created")}
    assert set(entries) == set(changes)
    assert entries["text"].old == old_text and entries["text"].new == old_text + "修订"
    assert entries["lead_unit"].old == "" and entries["lead_unit"].new == "州教育局"
    assert entries["co_units"].new == "州财政局"
    assert entries["leader"].new == leader.display_name
    assert entries["deadline"].old == "2023-12-31" and entries["deadline"].new == "2023-10-31"
    assert entries["status"].old == "draft" and entries["status"].new == "in_progress"
    assert all(e.actor == supervisor for e in entries.values())


def test_unchanged_fields_leave_no_audit_and_keep_the_version(supervisor, draft_task):
    before = AuditEntry.objects.count()
    task = actions.update_task(draft_task.pk, supervisor, draft_task.version, {"text": draft_task.text})
    assert AuditEntry.objects.count() == before
    assert task.version == draft_task.version


def test_the_second_of_two_concurrent_edits_gets_a_conflict_and_overwrites_nothing(supervisor, draft_task):
    version = draft_task.version
    actions.update_task(draft_task.pk, supervisor, version, {"task_force": "第一人"})
    with pytest.raises(ConflictError, match="该任务已被他人修改, 请刷新后重试"):
        actions.update_task(draft_task.pk, supervisor, version, {"task_force": "第二人"})
    draft_task.refresh_from_db()
    assert draft_task.task_force == "第一人"
    assert not AuditEntry.objects.filter(new="第二人").exists()


def test_edit_page_shows_the_conflict_message(client_for, supervisor, draft_task):
    client = client_for(supervisor)
    form = client.get(f"/tasks/{draft_task.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["co_units"] = []
    actions.update_task(draft_task.pk, supervisor, draft_task.version, {"task_force": "别人先改"})
    data["text"] = "我的修改"
    response = client.post(f"/tasks/{draft_task.pk}/edit/", data)
    assert response.status_code == 400
    assert "该任务已被他人修改, 请刷新后重试" in response.content.decode()
    draft_task.refresh_from_db()
    assert draft_task.text != "我的修改"


def test_edit_page_saves_a_task(client_for, supervisor, draft_task, leader):
    client = client_for(supervisor)
    (edu,) = units(draft_task.report, "州教育局")
    response = client.post(
        f"/tasks/{draft_task.pk}/edit/",
        {
            "version": draft_task.version,
            "text": "新的任务文本。",
            "kind": "task",
            "lead_unit": edu.pk,
            "leader": leader.pk,
            "deadline": "2023-09-30",
            "cycle": "monthly",
            "due_day": 25,
            "tags": "重点；民生",
            "status": "draft",
            "targets": "",
        },
    )
    assert response.status_code == 302
    draft_task.refresh_from_db()
    assert draft_task.text == "新的任务文本。"
    assert draft_task.lead_unit == edu and draft_task.leader == leader
    assert sorted(draft_task.tag_names()) == ["民生", "重点"]


def test_audit_entries_cannot_be_changed_or_deleted(supervisor, draft_task):
    actions.update_task(draft_task.pk, supervisor, draft_task.version, {"task_force": "专班"})
    entry = AuditEntry.objects.filter(task=draft_task).first()
    entry.new = "篡改"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(task=draft_task).update(new="篡改")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(task=draft_task).delete()


def test_admin_shows_audit_read_only(client, supervisor, draft_task):
    from luoshi.accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.org", "pw-for-tests-1")
    actions.update_task(draft_task.pk, supervisor, draft_task.version, {"task_force": "专班"})
    entry = AuditEntry.objects.filter(task=draft_task, field="task_force").get()
    client.force_login(admin)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    page = client.get(f"/admin/audit/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'name="new"' not in page.content.decode()
    client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"new": "篡改"})
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    entry.refresh_from_db()
    assert entry.new == "专班"


def test_publish_makes_tasks_visible_and_records_who_and_when(report, supervisor, draft_task):
    (edu,) = units(report, "州教育局")
    actions.update_task(draft_task.pk, supervisor, draft_task.version, {"lead_unit": edu})
    result = actions.publish(report, supervisor)
    assert result["published"] == 1
    assert result["missing_lead"] == report.tasks.filter(kind="task").count() - 1
    draft_task.refresh_from_db()
    assert draft_task.status == "assigned" and draft_task.published_by == supervisor
    assert draft_task.published_at is not None
    assert draft_task.audit.filter(field="status", old="draft", new="assigned", actor=supervisor).exists()
    assert draft_task.audit.filter(field="published_at").exists()


def test_publishing_twice_publishes_nothing_new(report, supervisor):
    ids = report.tasks.filter(kind="task").values_list("pk", flat=True)
    actions.accept_suggestions(report, ids, supervisor)
    first = actions.publish(report, supervisor)
    assert first["published"] > 0
    assert actions.publish(report, supervisor)["published"] == 0


def test_accepting_suggestions_takes_the_engines_first_lead(report, supervisor, draft_task):
    actions.accept_suggestions(report, [draft_task.pk], supervisor)
    draft_task.refresh_from_db()
    assert draft_task.lead_unit.short_name == draft_task.suggestion["leads"][0]["unit"]
    assert not SuggestionOverride.objects.exists()


def test_a_confirmed_lead_that_differs_from_the_suggestion_feeds_an_override(report, supervisor):
    task = report.tasks.filter(kind="task", text__contains="学前教育").first()
    (other,) = units(report, "州人社局")
    actions.update_task(task.pk, supervisor, task.version, {"lead_unit": other})
    override = SuggestionOverride.objects.get()
    assert override.term == override_term(task.text) and override.unit == other
    assert override.term in task.text


def test_overrides_change_the_next_imports_suggestion(report, supervisor, government):
    from tests.web.conftest import import_sample

    task = report.tasks.filter(kind="task", text__contains="学前教育").first()
    (other,) = units(report, "州人社局")
    actions.update_task(task.pk, supervisor, task.version, {"lead_unit": other})
    again = import_sample(government, supervisor)
    twin = again.tasks.get(text=task.text)
    assert twin.suggestion["leads"][0]["unit"] == "州人社局"


def test_merging_joins_the_next_task_of_the_same_theme(report, supervisor, draft_task):
    following = report.tasks.filter(position__gt=draft_task.position, kind="task").order_by("position").first()
    count = report.tasks.count()
    merged = actions.merge_with_next(draft_task.pk, supervisor, draft_task.version)
    assert merged.text == draft_task.text + following.text
    assert merged.span_end == following.span_end
    assert report.tasks.count() == count - 1
    assert AuditEntry.objects.filter(object_id=str(following.pk), field="merged_into").exists()


def test_splitting_makes_two_tasks_with_their_own_source_spans(report, supervisor, draft_task):
    at = draft_task.text.index("，") + 1 if "，" in draft_task.text else draft_task.text.index(",") + 1
    first, second = actions.split_task(draft_task.pk, supervisor, draft_task.version, at)
    assert first.text + second.text == draft_task.text
    source = report.source_text
    assert source[first.span_start : first.span_end].startswith(first.text[:5])
    assert source[second.span_start : second.span_end] == second.text
    assert second.position > first.position
    assert Task.objects.filter(report=report, code=second.code).count() == 1


def test_splitting_with_a_stale_version_conflicts(supervisor, draft_task):
    actions.update_task(draft_task.pk, supervisor, draft_task.version, {"task_force": "x"})
    with pytest.raises(ConflictError):
        actions.split_task(draft_task.pk, supervisor, draft_task.version, 3)


def test_guidance_turns_into_a_task_and_back(report, supervisor):
    guidance = report.tasks.filter(kind="guidance").first()
    task = actions.update_task(guidance.pk, supervisor, guidance.version, {"kind": "task"})
    assert task.kind == "task"
    back = actions.update_task(task.pk, supervisor, task.version, {"kind": "guidance"})
    assert back.kind == "guidance"
    assert guidance.audit.filter(field="kind").count() == 2


def test_bulk_actions_apply_to_the_selection(client_for, report, supervisor, leader):
    tasks = list(report.tasks.filter(kind="task").order_by("position")[:3])
    (edu,) = units(report, "州教育局")
    client = client_for(supervisor)
    ids = [t.pk for t in tasks]
    client.post(f"/reports/{report.pk}/bulk/", {"action": "lead_unit", "lead_unit": edu.pk, "tasks": ids})
    client.post(f"/reports/{report.pk}/bulk/", {"action": "leader", "leader": leader.pk, "tasks": ids})
    client.post(f"/reports/{report.pk}/bulk/", {"action": "deadline", "deadline": "2023-11-30", "tasks": ids})
    client.post(f"/reports/{report.pk}/bulk/", {"action": "cycle", "cycle": "quarterly", "tasks": ids})
    client.post(f"/reports/{report.pk}/bulk/", {"action": "add_tags", "tags": "重点", "tasks": ids})
    for task in tasks:
        task.refresh_from_db()
        assert (task.lead_unit, task.leader, task.deadline, task.cycle) == (
            edu,
            leader,
            datetime.date(2023, 11, 30),
            "quarterly",
        )
        assert "重点" in task.tag_names()
    untouched = report.tasks.filter(kind="task").order_by("position")[3]
    assert untouched.leader is None
    client.post(f"/reports/{report.pk}/bulk/", {"action": "publish", "tasks": ids})
    assert report.tasks.filter(status="assigned").count() == 3


def test_bulk_action_without_a_value_changes_nothing(client_for, report, supervisor):
    task = report.tasks.filter(kind="task").first()
    response = client_for(supervisor).post(
        f"/reports/{report.pk}/bulk/", {"action": "leader", "tasks": [task.pk]}, follow=True
    )
    assert "请选择包抓领导" in response.content.decode()
    task.refresh_from_db()
    assert task.version == 1


def test_milestones_are_added_completed_and_deleted_with_audit(client_for, supervisor, draft_task):
    client = client_for(supervisor)
    client.post(f"/tasks/{draft_task.pk}/milestones/", {"title": "完成方案", "due": "2023-05-31"})
    milestone = draft_task.milestones.get()
    client.post(f"/milestones/{milestone.pk}/toggle/")
    milestone.refresh_from_db()
    assert milestone.done
    client.post(f"/milestones/{milestone.pk}/delete/")
    assert not draft_task.milestones.exists()
    fields = list(draft_task.audit.filter(model="Milestone").values_list("field", flat=True))
    assert sorted(fields) == ["created", "deleted", "done"]


def test_task_page_shows_source_sentence_responsibility_and_history(client_for, supervisor, education_task):
    page = client_for(supervisor).get(f"/tasks/{education_task.pk}/").content.decode()
    assert f"<mark>{education_task.text}</mark>" in page
    assert "州教育局" in page and "州财政局" in page and "李副州长" in page
    assert "变更记录" in page and "已交办" in page
