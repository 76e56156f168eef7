"""Meeting decisions, instructions and rectification lists against their gold (tests/data/sources/).

Each sample ``NAME.txt`` (or ``NAME.json``: a table's rows, read by ``decompose_table``) has a gold
``NAME.gold.json``: the tasks a careful clerk takes from it, with the lead the text names (null
where it names none), the co-units, and the deadline (ISO date, null) with ``flag`` (written but no
fixed date) and ``ongoing``. A found task matches a gold task when their texts overlap (character
bigrams, Dice ≥ 0.8, punctuation and numbering ignored), one to one.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from luoshi.text import InputError, decompose, load_units
from luoshi.text.sources import decompose_table, detect_kind, find_deadline

DATA = Path(__file__).parent / "data" / "sources"
CATALOG = Path(__file__).resolve().parents[2] / "shared" / "seed" / "haixi-units.csv"
MATCH = 0.8


def samples() -> list[str]:
    return sorted(p.name.removesuffix(".gold.json") for p in DATA.glob("*.gold.json"))


def _letters(text: str) -> str:
    text = re.sub(r"^(?:[一二三四五六七八九十]{1,2}是)", "", text)
    return "".join(ch for ch in text if ch.isalnum())


def _dice(a: str, b: str) -> float:
    x, y = _letters(a), _letters(b)
    bx = [x[i : i + 2] for i in range(len(x) - 1)]
    by = [y[i : i + 2] for i in range(len(y) - 1)]
    if not bx or not by:
        return float(x == y)
    pool = defaultdict(int)
    for g in by:
        pool[g] += 1
    common = 0
    for g in bx:
        if pool[g]:
            pool[g] -= 1
            common += 1
    return 2 * common / (len(bx) + len(by))


def _catalog():
    return (
        load_units(CATALOG)
        if CATALOG.is_file()
        else load_units(Path(__file__).parents[1] / "luoshi" / "data" / "haixi-units.csv")
    )


def decompose_sample(name: str, catalog):
    gold = json.loads((DATA / f"{name}.gold.json").read_text(encoding="utf-8"))
    table = DATA / f"{name}.json"
    if table.is_file():
        data = json.loads(table.read_text(encoding="utf-8"))
        document = decompose_table(data["rows"], units=catalog, year=gold.get("year"), title=data.get("title"))
    else:
        text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
        document = decompose(text, units=catalog, year=gold.get("year"))
    return gold, document


def score(gold: dict, document) -> dict[str, float | int]:
    """Counts and figures of one sample: task F1, deadline accuracy, named-lead accuracy."""
    found = [task for *_, task in document.tasks()]
    expected = gold["tasks"]
    pairs = sorted(
        ((_dice(g["text"], t.text), gi, ti) for gi, g in enumerate(expected) for ti, t in enumerate(found)),
        reverse=True,
    )
    used_g, used_t, matched = set(), set(), []
    for value, gi, ti in pairs:
        if value < MATCH or gi in used_g or ti in used_t:
            continue
        used_g.add(gi)
        used_t.add(ti)
        matched.append((expected[gi], found[ti]))
    deadline_ok = sum(
        1 for g, t in matched if t.deadline == g.get("deadline") and t.deadline_flag == bool(g.get("flag", False))
    )
    named = [(g, t) for g, t in matched if g.get("lead")]
    lead_ok = sum(1 for g, t in named if t.leads and t.leads[0].unit == g["lead"] and t.leads[0].score == 1.0)
    co_ok = sum(1 for g, t in named if [s.unit for s in t.co_units if s.score == 1.0] == g.get("co_units", []))
    ongoing_ok = sum(1 for g, t in matched if t.ongoing == bool(g.get("ongoing", False)))
    return {
        "gold": len(expected),
        "found": len(found),
        "matched": len(matched),
        "deadline_ok": deadline_ok,
        "named": len(named),
        "lead_ok": lead_ok,
        "co_ok": co_ok,
        "ongoing_ok": ongoing_ok,
    }


def figures(counts: dict[str, float | int]) -> dict[str, float]:
    precision = counts["matched"] / counts["found"] if counts["found"] else 0.0
    recall = counts["matched"] / counts["gold"] if counts["gold"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "f1": f1,
        "deadline": counts["deadline_ok"] / counts["matched"] if counts["matched"] else 0.0,
        "lead": counts["lead_ok"] / counts["named"] if counts["named"] else 1.0,
        "co": counts["co_ok"] / counts["named"] if counts["named"] else 1.0,
        "ongoing": counts["ongoing_ok"] / counts["matched"] if counts["matched"] else 0.0,
    }


def _line(label: str, counts, values) -> str:
    return (
        f"{label:<28} tasks {counts['matched']}/{counts['gold']} (found {counts['found']}) F1 {values['f1']:.3f}  "
        f"deadline {values['deadline']:.3f}  named lead {counts['lead_ok']}/{counts['named']}  "
        f"co-units {values['co']:.3f}  ongoing {values['ongoing']:.3f}"
    )


@pytest.fixture(scope="module")
def results():
    catalog = _catalog()
    out = {}
    for name in samples():
        gold, document = decompose_sample(name, catalog)
        out[name] = (gold, document, score(gold, document))
    return out


def test_every_kind_has_at_least_three_layouts():
    kinds = defaultdict(int)
    for name in samples():
        kinds[name.split("-")[0]] += 1
    assert {k: n for k, n in kinds.items() if n >= 3}.keys() == {"meeting", "instruction", "rectification"}


def test_the_samples_meet_the_figures(results, capsys):
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    lines = []
    for name, (_gold, _document, counts) in results.items():
        lines.append(_line(name, counts, figures(counts)))
        for key, value in counts.items():
            totals[name.split("-")[0]][key] += value
            totals["all"][key] += value
    for kind, counts in totals.items():
        lines.append(_line(f"== {kind}", counts, figures(counts)))
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    for kind, counts in totals.items():
        values = figures(counts)
        assert values["f1"] >= 0.95, (kind, values)
        assert values["deadline"] >= 0.95, (kind, values)
        assert values["lead"] == 1.0, (kind, values)


def test_the_kind_and_the_source_are_read(results):
    wrong = []
    for name, (gold, document, _counts) in results.items():
        if document.kind != gold["kind"]:
            wrong.append((name, document.kind))
        for key, value in gold.get("source", {}).items():
            if document.source.get(key) != value:
                wrong.append((name, key, document.source.get(key), value))
    assert not wrong


def test_a_task_named_by_the_text_says_so(results):
    for _gold, document, _counts in results.values():
        for *_, task in document.tasks():
            if task.leads and task.leads[0].score == 1.0:
                assert any("原文指定" in reason for reason in task.leads[0].reasons)


def test_every_span_points_at_its_text(results):
    for name, (_gold, document, _counts) in results.items():
        for *_, task in document.tasks():
            start, end = task.span
            assert _letters(task.text)[:6] in _letters(document.text[start:end]), name


def test_codes_are_unique(results):
    for name, (_gold, document, _counts) in results.items():
        codes = [task.code for *_, task in document.tasks()]
        assert len(codes) == len(set(codes)), name


# --- deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "deadline", "flag", "ongoing"),
    [
        ("6月底前完成", "2026-06-30", False, False),
        ("年内建成", "2026-12-31", False, False),
        ("年底前实现动态清零", "2026-12-31", False, False),
        ("三季度末前完成", "2026-09-30", False, False),
        ("10月15日前完成", "2026-10-15", False, False),
        ("上半年完成", "2026-06-30", False, False),
        ("2026年9月30日前", "2026-09-30", False, False),
        ("2027年12月31日前", "2027-12-31", False, False),
        ("春节前开展一次排查", None, True, False),
        ("下月底前提出方案", None, True, False),
        ("长期坚持", None, False, True),
        ("持续推进河湖面貌改善", None, False, True),
        ("每月10日前报送分析报告", None, False, False),
        ("三年内完成", None, True, False),
        ("六月底前", "2026-06-30", False, False),
        ("二季度末前", "2026-06-30", False, False),
        ("国庆节前", "2026-09-30", False, False),
    ],
)
def test_deadlines_resolve_against_the_year(text, deadline, flag, ongoing):
    found = find_deadline(text, 2026)
    if deadline is None and not flag and not ongoing:
        assert found is None
        return
    assert found is not None
    assert (found.date.isoformat() if found.date else None, found.flag, found.ongoing) == (deadline, flag, ongoing)


def test_next_month_resolves_with_the_document_date():
    import datetime

    found = find_deadline("下月底前提出方案", 2026, datetime.date(2026, 5, 8))
    assert found is not None and found.date == datetime.date(2026, 6, 30) and not found.flag


def test_without_a_year_a_month_is_flagged_not_guessed():
    found = find_deadline("6月底前完成", None)
    assert found is not None and found.date is None and found.flag


# --- kinds and bad input -----------------------------------------------------------------------


def test_a_report_is_still_a_report(sample_text):
    assert detect_kind(sample_text) == "report"
    document = decompose(sample_text, year=2023)
    assert document.kind == "report" and document.source == {}
    assert all(
        task.deadline is None and task.deadline_text == "" and not task.deadline_flag for *_, task in document.tasks()
    )


def test_a_meeting_summary_without_decisions_is_refused():
    text = (
        "海西州人民政府常务会议纪要\n2026年3月16日\n3月12日，州长主持召开常务会议，传达学习有关会议精神。\n出席：王建国"
    )
    with pytest.raises(InputError, match="议定事项"):
        decompose(text)


def test_an_instruction_with_no_task_is_refused():
    text = "领导批示件\n文件标题：关于一季度经济运行情况的报告\n批示领导：王建国\n批示内容：已阅。"
    with pytest.raises(InputError, match="没有需要办理的事项"):
        decompose(text)


@pytest.mark.parametrize(
    ("rows", "missing"),
    [
        ([{"序号": "1", "整改措施": "开展专项检查", "责任单位": "州审计局", "整改时限": "年底前"}], "问题"),
        ([{"序号": "1", "问题": "台账不全", "整改措施": "补齐台账", "整改时限": "年底前"}], "责任单位"),
    ],
)
def test_a_rectification_table_missing_a_column_is_refused(rows, missing):
    with pytest.raises(InputError, match=f"缺少“{missing}”列"):
        decompose_table(rows, year=2026)


def test_an_unknown_kind_is_refused():
    with pytest.raises(InputError, match="未知的来源类型"):
        decompose("会议纪要", kind="minutes")


def test_the_kind_can_be_forced(results):
    text = (DATA / "meeting-run-on.txt").read_text(encoding="utf-8")
    assert decompose(text, kind="meeting").kind == "meeting"
    data = decompose(text, kind="meeting").to_dict()
    assert data["kind"] == "meeting" and "deadline" in data["parts"][0]["sections"][0]["themes"][0]["tasks"][0]
