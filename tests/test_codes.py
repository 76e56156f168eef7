"""A task's identity: codes unique in a document for any input, and only commitments become tasks.

Our own short reports (tests/data/layouts) in the layouts that broke it, a property test over
generated reports, and the five national reports of the shared development corpus when present.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.text import decompose
from luoshi.text.model import Document
from luoshi.text.rhetoric import is_commitment

LAYOUTS = Path(__file__).parent / "data" / "layouts"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def codes(document: Document) -> tuple[list[str], list[str], list[str]]:
    """The codes of every task, theme and section of a document, in reading order."""
    tasks, themes, sections = [], [], []
    for part in document.parts:
        for section in part.sections:
            sections.append(section.code)
            for theme in section.themes:
                heads = {task.code.rsplit(".", 1)[0] for task in theme.tasks}
                assert len(heads) == 1, f"the tasks of theme {theme.title} do not share its code: {heads}"
                themes.append(heads.pop())
                assert themes[-1].startswith(section.code + "."), (themes[-1], section.code)
                tasks.extend(task.code for task in theme.tasks)
    return tasks, themes, sections


def assert_unique(document: Document) -> None:
    for kind, found in zip(("task", "theme", "section"), codes(document), strict=True):
        repeated = sorted(code for code, n in Counter(found).items() if n > 1)
        assert not repeated, f"{kind} codes held twice: {repeated}"


def read(name: str) -> Document:
    return decompose((LAYOUTS / name).read_text("utf-8"))


def test_paragraphs_after_a_parts_last_numbered_section_get_numbers_of_their_own_in_reading_order():
    document = read("province-trailing-paragraphs.txt")
    assert_unique(document)
    plan = document.parts[1]
    assert [(s.number, s.code) for s in plan.sections] == [
        (None, "2.0"),  # the part's opening words
        ("一", "2.1"),
        ("二", "2.2"),
        (None, "2.3"),  # 做好双拥工作
        (None, "2.4"),  # 加强民族团结进步
        (None, "2.5"),  # 深化对外交流合作
    ]
    tasks = {task.text: task.code for *_, task in document.tasks()}
    assert tasks["支持驻省部队和武警部队建设。"] == "2.3.1.2"
    assert tasks["全面贯彻党的宗教工作基本方针。"] == "2.4.1.2"
    assert tasks["我们要认真落实侨务政策,维护归侨侨眷合法权益。"] == "2.4.2.1"
    assert tasks["办好中国—某某国际博览会,拓展友好省州关系。"] == "2.5.1.1"


def test_a_closing_call_to_unite_is_no_task():
    document = read("province-trailing-paragraphs.txt")
    assert not [t.text for *_, t in document.tasks() if "团结在" in t.text or "奋斗" in t.text]
    assert any(s.startswith("我们要更加紧密地团结在") for s in document.speech)
    assert "奋斗创造历史,实干成就未来" not in [theme.title for _, _, theme, _ in document.tasks()]


def test_a_context_sentence_opening_a_part_is_guidance_not_a_theme_or_a_task():
    document = read("county-context-opening.txt")
    assert_unique(document)
    tasks = [task.text for *_, task in document.tasks()]
    themes = [(part.number, section.number, theme.title) for part, section, theme, _ in document.tasks()]
    for context in (
        "今年是实施“十四五”规划的收官之年。",
        "新征程对政府工作提出了新的更高要求。",
        "当前人口形势的新变化要求我们更加重视“一老一小”。",
    ):
        assert context not in tasks
        assert any(context in section.guidance for part in document.parts for section in part.sections)
    # the self part's themes are its own lines of work, not the context sentence that opens it
    assert [t for t in dict.fromkeys(themes) if t[0] == "三"] == [
        ("三", None, "坚持依法行政"),
        ("三", None, "坚持廉洁从政"),
    ]
    assert "扩大普惠托育服务供给。" in tasks  # the commitment after the context sentence stays
    # a result the work should bring (让我们的干部…) is no call to action: the task stays
    assert "驰而不息纠治“四风”,让我们的干部清清白白为民办事。" in tasks
    assert not [t for t in tasks if t.startswith("让我们")]


@pytest.mark.parametrize(
    ("sentence", "commits"),
    [
        (
            "我们要更加紧密地团结在以习近平同志为核心的党中央周围,锐意进取,为全面建设社会主义现代化国家而不懈奋斗!",
            False,
        ),
        ("让我们携起手来,共同创造更加美好的明天。", False),
        ("今后五年是跨越“中等收入陷阱”的重要阶段,各种矛盾和风险明显增多。", False),
        ("今年是全面贯彻落实党的二十大精神的开局之年。", False),
        ("新的形势要求我们必须加快转变政府职能。", False),
        ("今年是“十二五”收官之年,我们要做好“十三五”规划纲要编制工作。", True),
        ("通过提高建设和管理水平,让我们的城镇各具特色、宜业宜居。", True),
        ("加强就业形势监测预警,确保全州就业形势总体平稳。", True),
        ("弘扬共同团结奋斗的优良传统,促进各民族交往交流交融。", True),
        ("当前我国发展正处于这样一个关键时期,必须培育壮大新动能。", True),
    ],
)
def test_only_commitments_are_tasks(sentence, commits):
    assert is_commitment(sentence) is commits


# --- generated reports ------------------------------------------------------------------------

NUMERALS = "一二三四五六七八九十"
THEMES = ["推动消费提质升级", "扩大有效投资", "稳定和扩大就业", "办好人民满意的教育", "深化对外交流合作"]
TASKS = [
    "开展消费品以旧换新行动。",
    "实施省级重点项目500个。",
    "城镇新增就业5万人以上。",
    "新建幼儿园2所。",
    "全面贯彻党的宗教工作基本方针。",
    "支持驻地部队建设。",
]
CLOSINGS = [
    "奋斗创造历史,实干成就未来。我们要更加紧密地团结在以习近平同志为核心的党中央周围,锐意进取,为谱写新篇章而不懈奋斗!",
    "让我们同心同德,埋头苦干,为建设美丽幸福家园而努力奋斗!",
]
CONTEXTS = ["今年是“十四五”规划收官之年。", "新征程对政府工作提出了新的更高要求。"]


@st.composite
def paragraphs_of_work(draw) -> list[str]:
    """Themes (opening a paragraph, alone on a line, numbered or not) and their tasks."""
    out = []
    for index in range(draw(st.integers(0, 3))):
        theme = draw(st.sampled_from(THEMES))
        tasks = "".join(draw(st.lists(st.sampled_from(TASKS), min_size=1, max_size=3)))
        style = draw(st.sampled_from(["inline", "own line", "numbered", "bare", "context"]))
        if style == "inline":
            out.append(f"{theme}。{tasks}")
        elif style == "own line":
            out += [theme, tasks]
        elif style == "numbered":
            out.append(f"{draw(st.integers(1, 3))}.{theme}。{tasks}")
        elif style == "context":
            out.append(draw(st.sampled_from(CONTEXTS)) + (tasks if index % 2 else ""))
        else:
            out.append(tasks)
    return out


@st.composite
def reports(draw) -> str:
    """A report of numbered and unnumbered parts and sections (numbers repeated or skipped at
    times), themes, address lines standing alone and closing paragraphs, in any order."""
    paras = ["政府工作报告"]
    for _ in range(draw(st.integers(1, 4))):
        heading = draw(st.sampled_from(["numbered", "standalone", "none"]))
        if heading == "numbered":
            paras.append(f"{draw(st.sampled_from(NUMERALS[:4]))}、2025年工作安排")
        elif heading == "standalone":
            paras.append(draw(st.sampled_from(["政府自身建设", "2025年重点工作"])))
        paras += draw(paragraphs_of_work())
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["numbered", "numbered", "address", "unnumbered", "closing"]))
            if kind == "numbered":
                paras.append(f"({draw(st.sampled_from(NUMERALS[:4]))}){draw(st.sampled_from(THEMES))}")
            elif kind == "address":
                paras.append("各位代表!")
            elif kind == "closing":
                paras.append(draw(st.sampled_from(CLOSINGS)))
                continue
            paras += draw(paragraphs_of_work())
    return "\n\n".join(paras)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_codes_are_unique_in_any_report(text):
    document = decompose(text)
    assert_unique(document)
    for *_, task in document.tasks():
        assert is_commitment(task.text), task.text
        assert "团结在" not in task.text and not task.text.startswith("让我们"), task.text


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared development corpus is not beside this checkout")
@pytest.mark.parametrize("year", [2014, 2015, 2016, 2017, 2018])
def test_a_national_report_has_unique_codes_and_no_closing_call_among_its_tasks(year):
    document = decompose((CORPUS / f"national-{year}.txt").read_text("utf-8"))
    assert_unique(document)
    assert not [t.text for *_, t in document.tasks() if "紧密团结在" in t.text or "紧密地团结在" in t.text]
