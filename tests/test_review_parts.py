"""A review part is recognised by what it says, not only by its title (structure.review_by_content)."""

from __future__ import annotations

from pathlib import Path

import pytest

from luoshi.text import decompose
from luoshi.text.normalize import normalize
from luoshi.text.readers import read_report
from luoshi.text.structure import _sentences, outline, review_by_content

ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = Path(__file__).parent / "data" / "layouts"
SAMPLE = ROOT / "luoshi" / "data" / "haixi-2023-report-part2.txt"
CORPUS = ROOT.parent / "shared" / "corpus"


def _tasks(part) -> list[str]:
    return [task.text for section in part.sections for theme in section.themes for task in theme.tasks]


@pytest.mark.parametrize(
    ("name", "review_title", "plan_tasks"),
    [
        # a review under a title of praise, no 回顾 or 过去一年 in it
        ("county-review-achievements", "砥砺奋进成绩来之不易", 4),
        # a review with no part heading at all, its sections before the year's work
        ("city-review-untitled-sections", None, 4),
        # a review whose title reads like a plan's (重点工作) and gives the year
        ("district-review-progress-title", "2024年重点工作完成情况", 4),
    ],
)
def test_a_review_without_a_telling_title_yields_no_tasks(name: str, review_title: str | None, plan_tasks: int):
    document = decompose((LAYOUTS / f"{name}.txt").read_text(encoding="utf-8"))
    first = document.parts[0]
    assert (first.title, first.kind) == (review_title, "review")
    assert _tasks(first) == []
    plan = [part for part in document.parts if part.kind == "plan"]
    assert len(plan) == 1 and len(_tasks(plan[0])) == plan_tasks
    every = [task.text for *_, task in document.tasks()]
    assert not any(word in text for text in every for word in ("增长8.2%", "增长6.1%", "增长7.8%", "成功创建"))


def test_past_reports_are_a_review_and_commitments_are_not():
    past = [
        "全县规上工业增加值增长8.2%,新增规上工业企业23家。",
        "县城污水处理厂二期建成投运,改造老旧小区12个。",
        "一年来,我们完成了12个老旧小区改造。",
        "县人民医院顺利通过三级医院评审。",
    ]
    assert review_by_content(past)
    plan = [
        "全年实施重点项目130个以上,完成投资230亿元。",
        "加快智能装备产业园二期建设。",
        "推进社区嵌入式服务设施建设,新建社区食堂10个。",
        "要坚持依法行政。",
    ]
    assert not review_by_content(plan)
    # a plan's bare commitments (建成, 完成) among its commitments stay a plan
    assert not review_by_content(
        ["建成5G基站500个。", "完成老旧小区改造20个。", "推动县中医院创建二级甲等中医医院。", *plan]
    )
    assert not review_by_content(past[:2])  # too little to say


def _reports() -> list[Path]:
    return [SAMPLE, *sorted(CORPUS.glob("national-*.txt"))]


@pytest.mark.parametrize("path", _reports(), ids=lambda p: p.stem)
def test_no_plan_part_of_the_sample_or_the_corpus_reads_as_a_review(path: Path):
    tree = outline(normalize(read_report(str(path))))
    document = decompose(read_report(str(path)))
    for part, built in zip(tree.parts, document.parts, strict=True):
        if built.kind != "review":
            assert not review_by_content(_sentences(part)), built.title
    if path == SAMPLE:
        assert len(list(document.tasks())) == 79
