"""The engine against the gold decomposition of the bundled sample (tests/data/…gold.json)."""

import pytest

from luoshi.text import decompose, load_units


def gold_tasks(gold):
    for part in gold["parts"]:
        for section in part["sections"]:
            for theme in section["themes"]:
                for task in theme["tasks"]:
                    yield part, section, theme, task


@pytest.fixture(scope="module")
def catalog(sample_catalog_path):
    return load_units(sample_catalog_path)


@pytest.fixture(scope="module")
def document(sample_text, catalog):
    return decompose(sample_text, units=catalog, year=2023)


@pytest.fixture(scope="module")
def found(document):
    return {task.text: (part, section, theme, task) for part, section, theme, task in document.tasks()}


def test_it_finds_the_gold_tasks_with_f1_of_at_least_098(gold, found):
    expected = {task["text"] for *_, task in gold_tasks(gold)}
    hits = len(expected & set(found))
    precision, recall = hits / len(found), hits / len(expected)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.98, (f1, sorted(expected - set(found))[:5], sorted(set(found) - expected)[:5])


def test_it_puts_every_gold_task_under_its_theme_and_section(gold, found):
    wrong = []
    for _, g_section, g_theme, g_task in gold_tasks(gold):
        if g_task["text"] not in found:
            continue
        _, section, theme, _ = found[g_task["text"]]
        if (section.number, theme.title) != (g_section["number"], g_theme["title"]):
            wrong.append((g_task["id"], section.number, theme.title))
    assert not wrong


def test_it_reads_parts_sections_and_guidance_like_the_gold(gold, document):
    assert [p.number for p in document.parts] == [p["number"] for p in gold["parts"]]
    assert [p.kind for p in document.parts] == ["plan", "self"]
    for part, g_part in zip(document.parts, gold["parts"], strict=True):
        assert [(s.number, s.title) for s in part.sections] == [(s["number"], s["title"]) for s in g_part["sections"]]
        assert [list(s.guidance) for s in part.sections] == [s["guidance"] for s in g_part["sections"]]


def test_it_resolves_the_places_each_gold_task_names(gold, found, catalog):
    label_of = {name: unit.label for unit in catalog.governments for name in unit.names}
    wrong = []
    for *_, g_task in gold_tasks(gold):
        task = found[g_task["text"]][3]
        expected = {label_of[p] for p in g_task.get("places", [])}
        if set(task.places) != expected:
            wrong.append((g_task["id"], task.places, expected))
    assert not wrong


def test_it_finds_the_gold_targets(gold, found):
    missing = []
    for *_, g_task in gold_tasks(gold):
        task = found[g_task["text"]][3]
        got = [t.to_dict() for t in task.targets]
        for target in g_task.get("targets", []):
            keys = [k for k in ("kind", "text", "metric", "comparator", "value", "unit") if k in target]
            if not any(all(g.get(k) == target[k] for k in keys) for g in got):
                missing.append((g_task["id"], target, got))
    assert not missing


def test_it_keeps_page_furniture_advert_and_speech_out_of_every_task(gold, document):
    noise = [n for n in gold["noise"] if n != "政府工作报告"] + gold["speech"]
    for *_, theme, task in document.tasks():
        for line in noise:
            assert line not in task.text and line not in theme.title
    assert "(上接三版)" in document.dropped
    assert any("爱耳" in d for d in document.dropped)
    assert document.title == "政府工作报告"


def test_it_rejoins_the_paragraphs_cut_across_columns(found):
    for fragment in (
        "“科技特派员工作站”",
        "重点抓好老弱病残孕",
        "党的宗教政策",
        "增强“四个意识”",
        "县域经济架",
    ):
        assert any(fragment in text for text in found), fragment


def test_spans_point_back_at_the_task_text(document):
    for *_, theme, task in document.tasks():
        assert document.text[task.span[0] : task.span[1]] == task.text
        assert document.text[theme.span[0] : theme.span[1]].rstrip("。") == theme.title


def test_codes_are_part_section_theme_task(found):
    _, _, _, task = found["加快建设高质量教育体系,加强优质教育资源供给。"]
    assert task.code == "2.5.1.1"
    _, _, _, task = found["严格预算绩效管理,健全预算执行管理体系,促进资金规范安全高效使用。"]
    assert task.code == "3.0.4.3"


def test_codes_stay_stable_when_the_same_report_is_decomposed_again(sample_text, document):
    again = decompose(sample_text, year=2023)
    assert [t.code for *_, t in again.tasks()] == [t.code for *_, t in document.tasks()]
