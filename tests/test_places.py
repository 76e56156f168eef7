"""Places (subordinate localities) and quoted programmes named by a task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.text.places import find_places, find_programmes
from luoshi.text.units import Catalog, Unit, load_units

DATA = Path(__file__).parent / "data"
CATALOG_CSV = Path(__file__).parent.parent / "luoshi" / "data" / "haixi-units.csv"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_units(CATALOG_CSV)


def gold_tasks():
    gold = json.loads((DATA / "haixi-2023-part2.gold.json").read_text(encoding="utf-8"))

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "tasks":
                    yield from value
                else:
                    yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return list(walk(gold))


def sample_lines(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


# --- with a catalog ------------------------------------------------------------------------------


def test_an_alias_resolves_to_its_unit_label(catalog):
    places, mentions = find_places("加快培育冷湖世界级天文观测基地科技创新平台。", catalog)
    assert places == ("茫崖市",)
    assert mentions == ("冷湖",)


def test_every_locality_of_a_list_is_found_in_order_of_mention(catalog):
    text = "加快构建以格尔木、德令哈为核心,茫崖、大柴旦为依托,都兰、乌兰、天峻为支点的城镇空间布局。"
    places, mentions = find_places(text, catalog)
    assert places == ("格尔木市", "德令哈市", "茫崖市", "大柴旦行委", "都兰县", "乌兰县", "天峻县")
    assert mentions == ("格尔木", "德令哈", "茫崖", "大柴旦", "都兰", "乌兰", "天峻")


def test_the_longest_name_wins_and_places_are_not_repeated(catalog):
    places, mentions = find_places("支持格尔木市建设副中心城市,格尔木要发挥龙头作用,冷湖和茫崖协同发展。", catalog)
    assert places == ("格尔木市", "茫崖市")
    assert mentions == ("格尔木市", "格尔木", "冷湖", "茫崖")


def test_departments_are_not_places(catalog):
    assert find_places("州教育局、州科技局牵头,州财政局配合。", catalog) == ((), ())


@pytest.mark.parametrize(
    "text",
    [
        "学习借鉴乌兰察布市的经验。",
        "组织乌兰牧骑深入基层演出。",
        "加强与首都兰州等城市的交流。",
    ],
)
def test_a_short_alias_inside_a_longer_word_is_no_place(catalog, text):
    assert find_places(text, catalog) == ((), ())


def test_a_guarded_word_does_not_hide_a_real_mention_nearby(catalog):
    places, _ = find_places("乌兰察布的客商到乌兰县考察。", catalog)
    assert places == ("乌兰县",)


def test_a_catalog_without_governments_finds_no_places():
    only_departments = Catalog((Unit(name="海西州教育局", short_name="州教育局"),))
    assert find_places("支持格尔木市教育发展。", only_departments) == ((), ())


def test_gold_places_match_exactly_through_the_catalog(catalog):
    exact = 0
    tasks = gold_tasks()
    for task in tasks:
        expected = set()
        for written in task.get("places", []):
            resolved, _ = find_places(written, catalog)
            assert len(resolved) == 1, written
            expected.add(resolved[0])
        places, _ = find_places(task["text"], catalog)
        assert set(places) == expected, (task["id"], places, expected)
        exact += 1
    assert exact == len(tasks) == 79


# --- without a catalog ---------------------------------------------------------------------------


def test_without_a_catalog_names_are_found_by_suffix():
    first, *_, last = sample_lines("places-provincial.txt")
    places, mentions = find_places(first)
    assert places == mentions == ("西宁市", "海东市", "贵德县", "同仁市")
    assert find_places(last)[0] == ("海西蒙古族藏族自治州", "黄南藏族自治州")


def test_without_a_catalog_common_words_ending_in_place_suffixes_are_ignored():
    _, *middle, _ = sample_lines("places-provincial.txt")
    assert middle
    for line in middle:
        assert find_places(line) == ((), ()), line


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("认真做好茫崖市、大柴旦行委义务教育优质均衡发展督导评估认定工作。", ("茫崖市", "大柴旦行委")),
        ("高标准建设雄安新区,设立新区要严格把关。", ("雄安新区",)),
        ("深入实施“依法治州”战略。", ()),
        ("扎实推进州蒙藏医医疗联盟建设。", ()),
        ("天峻建设生态保护和治理样板县。", ()),
        ("高效推进市域社会治理现代化试点。", ()),
        ("加快推进以县城为重要载体的城镇化建设,增强县城综合承载能力。", ()),
    ],
)
def test_without_a_catalog_precision_comes_before_recall(text, places):
    assert find_places(text)[0] == places


def test_without_a_catalog_gold_tasks_name_no_false_places():
    for task in gold_tasks():
        places, _ = find_places(task["text"])
        assert set(places) <= set(task.get("places", [])), (task["id"], places)


# --- programmes ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "programmes"),
    [
        (
            "用好“昆仑英才”计划、“柴达木英才”计划、“科技特派员工作站”等人才培养引进平台。",
            ("“昆仑英才”计划", "“柴达木英才”计划", "“科技特派员工作站”"),
        ),
        ("落实职业教育“双高”“双优”计划。", ("“双高”“双优”计划",)),
        ("持续推进“双减”工作走深走实。", ("“双减”",)),
        (
            "深化科技领域“放管服”改革,探索建立科技计划项目管理“负面清单”制度。",
            ("“放管服”改革", "“负面清单”制度"),
        ),
        ("实施“百企兴百村”行动,推进集体经济“强村”工程。", ("“百企兴百村”行动", "“强村”工程")),
        ("开展“揭榜挂帅”和“帅才科学家负责制”项目。", ("“揭榜挂帅”", "“帅才科学家负责制”项目")),
        ("“双减”和“双减”是同一件事。", ("“双减”",)),
        ("正如“绿水青山就是金山银山,冰天雪地也是金山银山”所说。", ()),
        ("没有引号的句子。", ()),
        ("不成对的“引号。", ()),
    ],
)
def test_quoted_names_become_programme_tags(text, programmes):
    assert find_programmes(text) == programmes


# --- never crash ---------------------------------------------------------------------------------

_WORDS = ["格尔木", "冷湖", "乌兰", "乌兰察布", "首都", "都兰", "行委"]
_WORDS += ["新区", "自治州", "计划", "改革", "支持", "在"]
_ALPHABET = st.sampled_from([*'“”"「」『』,;。、 市县区州旗盟镇乡', *_WORDS])
_TEXT = st.one_of(st.text(), st.lists(_ALPHABET, max_size=40).map("".join))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_find_places_and_find_programmes_never_raise(text):
    catalog = load_units(CATALOG_CSV)
    for found in (find_places(text), find_places(text, catalog)):
        places, mentions = found
        assert isinstance(places, tuple) and isinstance(mentions, tuple)
        for mention in mentions:
            assert mention in text
    for tag in find_programmes(text):
        assert tag in text


def test_each_catalog_object_is_matched_with_its_own_names():
    # the names are prepared once per catalog object: equal or different catalogs never mix
    jiangcheng = Catalog((Unit("江城市人民政府", "江城市", kind="government", aliases=("江城",)),))
    again = Catalog((Unit("江城市人民政府", "江城市", kind="government", aliases=("江城",)),))
    other = Catalog((Unit("临江县人民政府", "临江县", kind="government"),))
    text = "支持江城市、临江县建设产业园区"
    for _ in range(2):
        assert find_places(text, jiangcheng) == (("江城市",), ("江城市",))
        assert find_places(text, other) == (("临江县",), ("临江县",))
        assert find_places(text, again) == (("江城市",), ("江城市",))
    assert find_places("推进江城建设", jiangcheng) == (("江城市",), ("江城",))
    assert find_places("没有地名", jiangcheng) == ((), ())


def test_a_shorter_name_is_kept_where_the_longer_one_at_the_same_place_is_guarded():
    # 乌兰察布 guards 乌兰 but not a name that contains the whole guard word
    catalog = Catalog(
        (
            Unit("乌兰县人民政府", "乌兰县", kind="government", aliases=("乌兰",)),
            Unit("德令哈市人民政府", "德令哈市", kind="government", aliases=("德令哈",)),
        )
    )
    assert find_places("乌兰察布和德令哈市、乌兰县", catalog) == (("德令哈市", "乌兰县"), ("德令哈市", "乌兰县"))
