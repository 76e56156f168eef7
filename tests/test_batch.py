"""Per-document batching: the batch entry points give what the per-sentence functions give."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import luoshi.text.matcher as matcher
from luoshi.text import decompose
from luoshi.text.assign import Suggester, _score
from luoshi.text.batch import Joined
from luoshi.text.model import Suggestion, Target, Task, _make_suggestion, _make_task
from luoshi.text.normalize import normalize
from luoshi.text.places import find_places, find_places_many
from luoshi.text.structure import build_parts, outline
from luoshi.text.targets import is_ongoing, ongoing_many
from luoshi.text.units import Catalog, Unit, load_units

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
EVAL = DATA / "eval"
SAMPLE = ROOT / "luoshi" / "data" / "haixi-2023-report-part2.txt"
CATALOG_CSV = ROOT / "luoshi" / "data" / "haixi-units.csv"
LETTERS = "加大学前教育卫生健康州委格尔木市牵头配合部门,。、“”由支持等"  # hypothesis texts: words, a word giving way


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_units(CATALOG_CSV)


def sample_items(catalog):
    doc = decompose(SAMPLE.read_text(encoding="utf-8"), units=catalog)
    return [(task.text, theme.title, section.title) for _, section, theme, task in doc.tasks()]


def eval_items(path: Path):
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        theme = cells[2].strip() if len(cells) > 2 and cells[2].strip() else None
        rows.append((cells[1], theme, None))
    return rows


def one_by_one(suggester: Suggester, items):
    return [suggester.suggest(text, theme=theme, section=section) for text, theme, section in items]


# --- suggestions ----------------------------------------------------------------------------


def test_suggest_many_gives_what_suggest_gives_for_the_sample(catalog):
    items = sample_items(catalog)
    suggester = Suggester(catalog)
    assert suggester.suggest_many(items) == one_by_one(suggester, items)
    overridden = Suggester(catalog, overrides={"双减": "州政府办", "校外培训": "州市场监管局"})
    assert overridden.suggest_many(items) == one_by_one(overridden, items)


@pytest.mark.parametrize("path", sorted(EVAL.glob("*-tasks*.tsv")), ids=lambda p: p.name)
def test_suggest_many_gives_what_suggest_gives_for_the_evaluation_sets(path):
    suggester = Suggester(load_units(EVAL / f"{path.name.split('-')[0]}-units.csv"))
    items = eval_items(path)
    assert suggester.suggest_many(items) == one_by_one(suggester, items)
    bare = [(text, None, None) for text, _, _ in items]
    assert suggester.suggest_many(bare) == one_by_one(suggester, bare)


def test_suggest_many_handles_empty_texts_nul_and_a_word_giving_way(catalog):
    items = [
        ("", None, None),
        ("加大学前教育普及普惠力度。", None, None),  # 大学 gives way to 学前教育
        ("加大学前教育", "教育", None),
        ("", "教育", None),
        ("义务教育\0学前教育", None, None),  # a NUL of its own: the texts are scanned one by one
        ("支持格尔木市发展", None, None),
    ]
    suggester = Suggester(catalog)
    assert suggester.suggest_many(items) == one_by_one(suggester, items)
    assert suggester.suggest_many(items[1:2]) == one_by_one(suggester, items[1:2])
    assert suggester.suggest_many([]) == []


def test_suggest_many_without_the_automaton_uses_the_regex_scan(catalog, monkeypatch):
    monkeypatch.setattr(matcher, "_AhoCorasick", None)
    suggester = Suggester(catalog)
    assert suggester._dictionary.automaton is None
    items = sample_items(catalog)
    assert suggester.suggest_many(items) == one_by_one(suggester, items)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list(LETTERS)), max_size=30), max_size=6))
def test_suggest_many_is_suggest_for_any_texts(texts):
    suggester = _sample_suggester()
    items = [(text, text[:6] or None, None) for text in texts]
    assert suggester.suggest_many(items) == one_by_one(suggester, items)


_SUGGESTERS: dict[str, Suggester] = {}


def _sample_suggester() -> Suggester:
    if "sample" not in _SUGGESTERS:
        _SUGGESTERS["sample"] = Suggester(load_units(CATALOG_CSV))
    return _SUGGESTERS["sample"]


@settings(max_examples=500, deadline=None)
@given(st.floats(min_value=-20.0, max_value=60.0, allow_nan=False))
def test_the_score_is_rounded_exactly_as_round_would(evidence):
    assert _score(evidence) == round(1.0 - math.exp(-evidence / 3.0), 3)


def test_the_score_is_rounded_exactly_near_a_tie():
    for k in range(1000):
        for nudge in (-1e-12, 0.0, 1e-12):
            x = (k + 0.5) / 1000 + nudge
            evidence = -3.0 * math.log(1.0 - x)
            assert _score(evidence) == round(1.0 - math.exp(-evidence / 3.0), 3)


# --- the engine's constructors --------------------------------------------------------------


def test_the_engine_constructors_make_the_same_objects():
    made = _make_suggestion("州教育局", 0.5, ("关键词: 教育",))
    plain = Suggestion("州教育局", 0.5, ("关键词: 教育",))
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert pickle.loads(pickle.dumps(made)) == plain
    target = Target(kind="milestone", text="建成", span=(1, 3))
    fields = ("1.1.1.1", "建成学校。", (0, 5), ("茫崖市",), ("茫崖",), ("“双减”",), (target,), True, (made,), ())
    task = _make_task(*fields)
    assert task == Task(*fields) and repr(task) == repr(Task(*fields)) and task.to_dict() == Task(*fields).to_dict()
    with pytest.raises(AttributeError):
        task.code = "2"  # still frozen


# --- places, ongoing, the task tree ---------------------------------------------------------


def test_joined_sentences_tell_which_hold_a_word():
    import re

    sentences = Joined(["常态化推进", "", "加快建设", "长期坚持常态化"])
    assert sentences.holding(re.compile("常态化")) == [True, False, False, True]
    assert sentences.holding(re.compile("建设|坚持")) == [False, False, True, True]
    assert Joined(["a\0b", "c"]).holding(re.compile("b")) is None
    assert Joined([]).holding(re.compile("")) == []


def test_the_batch_place_and_ongoing_readings_match_the_per_sentence_ones(catalog):
    texts = [task.text for *_, task in decompose(SAMPLE.read_text(encoding="utf-8")).tasks()]
    texts += ["", "冷湖镇和格尔木市常态化推进", "德令哈市\0大柴旦行委"]
    sentences = Joined(texts)
    assert find_places_many(sentences, catalog) == [find_places(text, catalog) for text in texts]
    assert find_places_many(sentences) == [find_places(text) for text in texts]
    assert ongoing_many(sentences) == [is_ongoing(text) for text in texts]
    empty = Catalog((Unit("海西州教育局", "州教育局"),))
    assert find_places_many(sentences, empty) == [find_places(text, empty) for text in texts]


@pytest.mark.parametrize("path", [SAMPLE, *sorted((DATA / "layouts").glob("*.txt"))], ids=lambda p: p.name)
def test_build_parts_makes_the_same_tree_one_task_at_a_time_or_all_at_once(path):
    text = path.read_text(encoding="utf-8")

    def make_task(code, sentence, span, theme, section):
        return Task(code, sentence, span, programmes=(theme or "", section or ""))

    one = build_parts(outline(normalize(text)), 2023, make_task)
    calls = []

    def make_tasks(arguments):
        calls.extend(arguments)
        return [make_task(*a) for a in arguments]

    many = build_parts(outline(normalize(text)), 2023, make_tasks=make_tasks)
    assert many == one
    assert len(calls) == sum(len(theme.tasks) for part in one for section in part.sections for theme in section.themes)
