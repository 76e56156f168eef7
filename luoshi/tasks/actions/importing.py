"""Opening a ledger with its draft matters: a decomposed work report (its first import, and a re-import
of a corrected text that keeps what the office already decided), or a ledger of another source."""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from luoshi.accounts.models import Government
from luoshi.audit import trail
from luoshi.errors import ActionError
from luoshi.reports.models import Source, WorkReport, clean_source_details

from ..models import Task
from .editing import accept_suggestions, tags_for
from .outline import renumber


@dataclass
class DraftTask:
    """One row the engine proposes for review: a task or a guidance sentence, in document order.

    (Not a ``Proposal``: in the glossary that is a deputy's suggestion, a kind of supervised matter.)"""

    code: str
    kind: str
    text: str
    span: tuple[int, int] | None
    part_number: str = ""
    part_title: str = ""
    section_number: str = ""
    section_title: str = ""
    theme_title: str = ""
    targets: str = ""
    ongoing: bool = False
    tags: list[str] = field(default_factory=list)
    suggestion: dict = field(default_factory=dict)
    # the deadline the source names (else the ledger's default); ``deadline_note``: a deadline the engine
    # could not resolve, kept as the source's words for the office to settle (待核定), never guessed
    deadline: datetime.date | None = None
    deadline_note: str = ""


def _check_drafts(drafts: list[DraftTask]) -> None:
    """A work report has numbered parts or sections (一、 / (一)) and tasks under them."""
    if not any(p.kind == "task" for p in drafts):
        raise ActionError("没有从文本中识别出任何工作任务: 请确认上传的是政府工作报告")
    if not any(p.part_number or p.section_number for p in drafts):
        raise ActionError("没有识别出报告结构 (如“一、”“(一)”等标题): 请确认上传的是政府工作报告全文")


def _create_tasks(report: WorkReport, actor, drafts: list[DraftTask], start_position: int = 0) -> list[Task]:
    created = []
    for i, p in enumerate(drafts):
        created.append(_create_task(report, actor, p, start_position + (i + 1) * 10))
    return created


def _create_task(report: WorkReport, actor, p: DraftTask, position: int) -> Task:
    suggestion = dict(p.suggestion)
    if p.deadline_note:
        suggestion["deadline_note"] = p.deadline_note[:200]
    task = Task.objects.create(
        report=report,
        code=p.code,
        position=position,
        kind=p.kind,
        text=p.text,
        span_start=p.span[0] if p.span else None,
        span_end=p.span[1] if p.span else None,
        part_number=p.part_number,
        part_title=p.part_title[:300],
        section_number=p.section_number,
        section_title=p.section_title[:300],
        theme_title=p.theme_title[:300],
        targets=p.targets,
        ongoing=p.ongoing,
        deadline=None if p.ongoing else (p.deadline or report.default_deadline()),
        suggestion=suggestion,
    )
    if p.tags:
        task.tags.set(tags_for(report.government, p.tags))
    trail.record(actor, model="Task", object_id=task.pk, field="created", new=f"{p.code} {p.text}", task=task)
    return task


@transaction.atomic
def import_report(
    government: Government,
    actor,
    *,
    text: str,
    drafts: list[DraftTask],
    year: int,
    title: str,
    filename: str = "",
    main_targets=(),
    warnings=(),
    dropped=(),
) -> WorkReport:
    """Save a decomposed report and its proposed tasks as drafts."""
    _check_drafts(drafts)
    report = WorkReport.objects.create(
        government=government,
        year=year,
        title=title[:200],
        source_text=text,
        filename=filename[:255],
        imported_by=actor if getattr(actor, "pk", None) else None,
        imported_at=timezone.now(),
        main_targets=list(main_targets),
        warnings=list(warnings),
        dropped=list(dropped),
    )
    created = _create_tasks(report, actor, drafts)
    summary = {
        "at": report.imported_at.isoformat(),
        "created": [t.code for t in created],
        "kept": [],
        "updated": [],
        "unmatched": [],
    }
    report.last_import = summary
    report.save(update_fields=["last_import"])
    trail.record(
        actor,
        model="WorkReport",
        object_id=report.pk,
        field="imported",
        new=filename or title,
        report=report,
    )
    return report


@transaction.atomic
def open_ledger(
    government: Government,
    actor,
    *,
    source: str,
    year: int,
    title: str,
    drafts: list[DraftTask],
    text: str = "",
    details: dict | None = None,
    filename: str = "",
    warnings=(),
) -> WorkReport:
    """A ledger of a source other than the work report — a meeting's decisions, a leader's instruction
    document, a rectification list, matters handed down — with its matters as drafts for the office to
    review and publish like any report task. ``text``: the covering document, if any; ``details``: what
    the source carries (a meeting's name, date and 纪要 number, …: ``reports.models.SOURCE_DETAILS``)."""
    if source not in Source.values or source == Source.REPORT:
        raise ActionError("政府工作报告请通过“导入报告”建立台账")
    if not title.strip():
        raise ActionError("请填写台账标题")
    if not any(d.kind == "task" and d.text.strip() for d in drafts):
        raise ActionError("台账中没有任何督办事项")
    report = WorkReport.objects.create(
        government=government,
        source=source,
        year=year,
        title=title.strip()[:200],
        source_text=text,
        source_details=clean_source_details(source, details),
        filename=filename[:255],
        warnings=list(warnings),
        imported_by=actor if getattr(actor, "pk", None) else None,
        imported_at=timezone.now(),
    )
    trail.record(actor, model="WorkReport", object_id=report.pk, field="created", new=report.title, report=report)
    created = _create_tasks(report, actor, drafts)
    # a lead the source's text names (由…牵头) is taken at once, with its co-units; the office reviews it
    named = [t.pk for t in created if _named_by_text(t.suggestion)]
    if named:
        accept_suggestions(report, named, actor)
    report.last_import = {
        "at": report.imported_at.isoformat(),
        "created": [t.code for t in created],
        "kept": [],
        "updated": [],
        "unmatched": [],
    }
    report.save(update_fields=["last_import"])
    return report


def _named_by_text(suggestion: dict) -> bool:
    """The engine's first lead is the one the text names (``原文指定``), not a guess from the catalog."""
    leads = (suggestion or {}).get("leads") or []
    return bool(leads) and any("原文指定" in reason for reason in leads[0].get("reasons", []))


@transaction.atomic
def add_to_ledger(report: WorkReport, actor, drafts: list[DraftTask]) -> list[Task]:
    """More draft matters at the end of an open ledger of another source (e.g. a supplementary list of
    the same session's proposals); returns them in order."""
    if report.source == Source.REPORT:
        raise ActionError("政府工作报告请通过“导入报告”建立台账")
    if not any(d.kind == "task" and d.text.strip() for d in drafts):
        raise ActionError("台账中没有任何督办事项")
    last = Task.objects.filter(report=report).aggregate(last=Max("position"))["last"] or 0
    return _create_tasks(report, actor, drafts, start_position=last)


# A draft whose text is at least this similar to an old task's (difflib's ratio) is that task lightly
# edited: it keeps the task, its code and what the office decided.
SIMILAR_ENOUGH = 0.6
# Pairs of texts compared at most in one stretch of changed rows; a longer stretch compares each draft
# with the old rows near its own place only (a draft rewritten from end to end has no old task anyway).
MAX_COMPARISONS = 20_000
NEAR = 15


def _match(old_tasks: list[Task], drafts: list[DraftTask]) -> dict[int, Task]:
    """Draft index → the old task it continues, each old task used once.

    1. The same text in the same order (difflib's alignment of the two lists of texts), so a paragraph
       inserted or removed before a task moves nothing; 2. the same text anywhere (a moved task);
    3. within each stretch of rows that changed between two aligned ones, the most similar old task of
       the same kind, at least ``SIMILAR_ENOUGH`` (a lightly edited task); 4. the same anywhere else."""
    old_texts = [t.text for t in old_tasks]
    new_texts = [d.text for d in drafts]
    matched: dict[int, Task] = {}
    used: set[int] = set()  # indexes into old_tasks

    def pair(i: int, j: int) -> None:
        matched[i] = old_tasks[j]
        used.add(j)

    aligner = difflib.SequenceMatcher(None, old_texts, new_texts, autojunk=False)
    for block in aligner.get_matching_blocks():
        for k in range(block.size):
            pair(block.b + k, block.a + k)
    by_text: dict[str, list[int]] = {}
    for j, text in enumerate(old_texts):
        if j not in used:
            by_text.setdefault(text, []).append(j)
    for i, text in enumerate(new_texts):
        if i not in matched and by_text.get(text):
            pair(i, by_text[text].pop(0))

    # stretches between rows already paired: (old indexes, draft indexes)
    index_of = {t.pk: j for j, t in enumerate(old_tasks)}
    stretches: list[tuple[list[int], list[int]]] = []
    last_old = -1
    pending: list[int] = []
    for i in range(len(drafts) + 1):
        if i < len(drafts) and i not in matched:
            pending.append(i)
            continue
        following = index_of[matched[i].pk] if i < len(drafts) else len(old_tasks)
        if following < last_old:  # a moved task: it bounds no stretch
            continue
        olds = [j for j in range(last_old + 1, following) if j not in used]
        if pending and olds:
            stretches.append((olds, pending))
        pending, last_old = [], following
    everything = (list(range(len(old_tasks))), list(range(len(drafts))))
    for olds, news in [*stretches, everything]:
        _pair_similar(
            old_tasks, drafts, [j for j in olds if j not in used], [i for i in news if i not in matched], pair
        )
    return matched


def _pair_similar(
    old_tasks: list[Task], drafts: list[DraftTask], olds: list[int], news: list[int], pair: Callable[[int, int], None]
) -> None:
    """Pair the most similar (old, draft) rows of one stretch first, each row once."""
    if not olds or not news:
        return
    near_only = len(olds) * len(news) > MAX_COMPARISONS
    scored = []
    for rank, i in enumerate(news):
        draft = drafts[i]
        place = rank * len(olds) // len(news)
        for at, j in enumerate(olds):
            if near_only and abs(at - place) > NEAR:
                continue
            old = old_tasks[j]
            if old.kind != draft.kind:
                continue
            matcher = difflib.SequenceMatcher(None, old.text, draft.text, autojunk=False)
            if matcher.real_quick_ratio() < SIMILAR_ENOUGH or matcher.quick_ratio() < SIMILAR_ENOUGH:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILAR_ENOUGH:
                scored.append((-ratio, i, j))
    scored.sort()
    paired_old: set[int] = set()
    paired_new: set[int] = set()
    for _, i, j in scored:
        if i not in paired_new and j not in paired_old:
            paired_new.add(i)
            paired_old.add(j)
            pair(i, j)


CODE_TAIL = re.compile(r"^(.*\.)(\d+)$")


def _used_codes(report: WorkReport) -> set[str]:
    """Every code the ledger's tasks have held: their codes now, the codes a task left (a re-import
    of an earlier version, a correction) and those of tasks merged into others."""
    from luoshi.audit.models import AuditEntry

    codes = set(Task.objects.filter(report=report).values_list("code", flat=True))
    codes.update(
        AuditEntry.objects.filter(task__report=report, model="Task", field__in=("code", "merged_into")).values_list(
            "old", flat=True
        )
    )
    return codes


def _fresh_code(code: str, taken: set[str]) -> str:
    """A code never taken, beside ``code``: the next number after the highest taken one under the same
    heading (2.3.1.4 → 2.3.1.9 when 2.3.1.8 is the highest taken), else ``code-2``, ``code-3``…"""
    m = CODE_TAIL.match(code)
    if m:
        head = m.group(1)
        highest = max(
            (int(c[len(head) :]) for c in taken if c.startswith(head) and c[len(head) :].isdigit()), default=0
        )
        return f"{head}{highest + 1}"
    n = 2
    while f"{code}-{n}" in taken:
        n += 1
    return f"{code}-{n}"


@transaction.atomic
def reimport_report(
    report: WorkReport,
    actor,
    *,
    text: str,
    drafts: list[DraftTask],
    year: int,
    filename: str = "",
    main_targets=(),
    warnings=(),
    dropped=(),
) -> dict:
    """Import a corrected text (a 修订稿) into the same report without duplicating tasks.

    Matching (``_match``): the same text in the same order, then the same text anywhere, then a
    similar text nearby (lightly edited). A matched task keeps its code, responsibility and history and
    takes the new text and source position, so codes hold however many paragraphs were inserted or
    removed before it. A new draft takes the engine's code unless the ledger ever used it, else a code
    never used (``_fresh_code``): a published code is never given to another task. Old tasks with no
    match are kept, listed in ``last_import["unmatched"]`` for the office (with whether they were
    published), never deleted.
    """
    _check_drafts(drafts)
    report = WorkReport.objects.select_for_update().get(pk=report.pk)
    old_tasks = list(Task.objects.filter(report=report).order_by("position", "id"))
    matched = _match(old_tasks, drafts)
    matched_pks = {t.pk for t in matched.values()}

    # codes: a matched or left-over task keeps its own (the first of two holding one code, the
    # published first, if an earlier version of the engine gave it twice); the others get one never used
    taken = _used_codes(report)
    holders: set[str] = set()
    codes: dict[int, str] = {}  # draft index -> code
    needs_code: list[int] = []
    for i, old in sorted(matched.items(), key=lambda item: (not item[1].is_published, item[0])):
        if old.code in holders:
            needs_code.append(i)
        else:
            holders.add(old.code)
            codes[i] = old.code
    holders.update(t.code for t in old_tasks if t.pk not in matched_pks)
    new_drafts = [i for i in range(len(drafts)) if i not in matched]
    for i in new_drafts:
        if drafts[i].code not in taken:
            codes[i] = drafts[i].code
            taken.add(drafts[i].code)
        else:
            needs_code.append(i)
    for i in sorted(needs_code):
        codes[i] = _fresh_code(drafts[i].code, taken)
        taken.add(codes[i])

    report.source_text = text
    report.year = year
    if filename:
        report.filename = filename[:255]
    report.main_targets = list(main_targets)
    report.warnings = list(warnings)
    report.dropped = list(dropped)

    kept: list[str] = []
    updated: list[str] = []
    created: list[str] = []
    # Move every old task out of the way first so positions can be reassigned freely.
    for t in old_tasks:
        Task.objects.filter(pk=t.pk).update(position=100000 + t.position)
    for i, p in enumerate(drafts):
        position = (i + 1) * 10
        task = matched.get(i)
        if task is None:
            created.append(_create_task(report, actor, dataclasses.replace(p, code=codes[i]), position).code)
            continue
        changes = []
        for name, value in (
            ("code", codes[i]),
            ("text", p.text),
            ("section_title", p.section_title[:300]),
            ("theme_title", p.theme_title[:300]),
        ):
            if getattr(task, name) != value:
                trail.record(
                    actor,
                    model="Task",
                    object_id=task.pk,
                    field=name,
                    old=getattr(task, name),
                    new=value,
                    task=task,
                )
                setattr(task, name, value)
                changes.append(name)
        task.position = position
        task.span_start, task.span_end = p.span if p.span else (None, None)
        task.part_number, task.part_title, task.section_number = (
            p.part_number,
            p.part_title[:300],
            p.section_number,
        )
        task.suggestion = p.suggestion
        if changes:
            task.version += 1
        task.save()
        (updated if changes else kept).append(task.code)
    unmatched = []
    for t in old_tasks:
        if t.pk not in matched_pks:
            t.refresh_from_db()
            unmatched.append({"id": t.pk, "code": t.code, "text": t.text, "published": t.is_published})
            # Kept after the matched tasks; the span pointed into the old text, so it is cleared.
            Task.objects.filter(pk=t.pk).update(span_start=None, span_end=None)
    report.last_import = {
        "at": timezone.now().isoformat(),
        "created": created,
        "kept": kept,
        "updated": updated,
        "unmatched": unmatched,
    }
    report.save()
    renumber(report)
    trail.record(
        actor,
        model="WorkReport",
        object_id=report.pk,
        field="reimported",
        new=f"{filename} 保留{len(kept)} 更新{len(updated)} 新增{len(created)} 未匹配{len(unmatched)}",
        report=report,
    )
    return report.last_import
