"""清单责任化: lead units and co-units suggested from a bare unit catalog, with checkable reasons."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.cli import main
from luoshi.text import suggest_units
from luoshi.text.assign import Responsibility, Suggester, load_lexicon
from luoshi.text.units import Catalog, Unit, load_units

DATA = Path(__file__).parent / "data"
EVAL = DATA / "eval"
CATALOG_CSV = Path(__file__).parent.parent / "luoshi" / "data" / "haixi-units.csv"
LEVELS = ("county", "city", "province", "national")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_units(CATALOG_CSV)


def gold_tasks():
    """(text, theme title, section title, acceptable leads) for each of the sample's tasks."""
    gold = json.loads((DATA / "haixi-2023-part2.gold.json").read_text(encoding="utf-8"))
    return [
        (task["text"], theme["title"], section.get("title"), task["leads"])
        for part in gold["parts"]
        for section in part["sections"]
        for theme in section["themes"]
        for task in theme["tasks"]
    ]


def eval_tasks(level: str, name: str = "tasks"):
    """(text, theme or None, acceptable leads) from tests/data/eval/<level>-<name>.tsv."""
    rows = []
    for line in (EVAL / f"{level}-{name}.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        theme = cells[2].strip() if len(cells) > 2 and cells[2].strip() else None
        rows.append((cells[1], theme, cells[0].split(";")))
    return rows


def leads(result: Responsibility) -> list[str]:
    return [s.unit for s in result.leads]


def co_units(result: Responsibility) -> list[str]:
    return [s.unit for s in result.co_units]


# --- the sample and the evaluation sets -----------------------------------------------------


def test_it_suggests_an_acceptable_lead_first_for_nine_in_ten_sample_tasks(catalog):
    tasks = gold_tasks()
    assert len(tasks) == 79
    right = 0
    misses = []
    for text, theme, section, acceptable in tasks:
        result = suggest_units(text, catalog, theme=theme, section=section)
        if result.leads and result.leads[0].unit in acceptable:
            right += 1
        else:
            misses.append((text[:30], acceptable, leads(result)))
    share = right / len(tasks)
    print(f"sample top1={share:.1%} ({right}/{len(tasks)})")
    assert share >= 0.90, misses


def test_every_suggestion_on_the_sample_carries_a_reason(catalog):
    for text, theme, section, _acceptable in gold_tasks():
        result = suggest_units(text, catalog, theme=theme, section=section)
        assert result.leads, text
        for suggestion in result.leads + result.co_units:
            assert suggestion.reasons, (text, suggestion)
            assert all(isinstance(r, str) and r for r in suggestion.reasons)
            assert 0.0 <= suggestion.score <= 1.0


@pytest.mark.parametrize("name", ["tasks", "tasks-2"])
@pytest.mark.parametrize("level", LEVELS)
def test_it_finds_the_lead_at_every_level_of_government(level, name):
    units = load_units(EVAL / f"{level}-units.csv")
    tasks = eval_tasks(level, name)
    assert len(tasks) >= 30
    top1 = top3 = 0
    misses = []
    for text, theme, acceptable in tasks:
        suggested = leads(suggest_units(text, units, theme=theme))
        top1 += bool(suggested) and suggested[0] in acceptable
        top3 += any(unit in acceptable for unit in suggested[:3])
        if not suggested or suggested[0] not in acceptable:
            misses.append((text[:30], acceptable, suggested))
    print(f"{level}-{name} top1={top1 / len(tasks):.1%} top3={top3 / len(tasks):.1%} n={len(tasks)}")
    assert top1 / len(tasks) >= 0.70, misses
    assert top3 / len(tasks) >= 0.90, misses


# --- behaviour ------------------------------------------------------------------------------


def test_it_suggests_the_education_bureau_for_school_tasks(catalog):
    result = suggest_units("加大学前教育普及普惠力度,推进普惠资源扩容增效。", catalog)
    assert leads(result)[0] == "州教育局"
    assert "关键词: 学前教育" in result.leads[0].reasons


def test_it_gives_no_suggestion_without_evidence(catalog):
    result = suggest_units("各位代表,让我们团结奋斗!", catalog)
    assert result.leads == ()
    assert result.co_units == ()
    assert suggest_units("", catalog) == Responsibility((), ())


def test_it_lists_a_named_subordinate_government_as_co_unit(catalog):
    result = suggest_units("支持格尔木建设全省副中心城市。", catalog)
    assert "格尔木市" not in leads(result)
    assert "格尔木市" in co_units(result)
    place = next(s for s in result.co_units if s.unit == "格尔木市")
    assert place.reasons == ("地名: 格尔木",)


def test_it_lists_a_place_named_by_alias_as_co_unit(catalog):
    result = suggest_units("加快培育冷湖天文观测基地科技创新平台。", catalog)
    assert leads(result)[0] == "州科技局"
    assert "茫崖市" in co_units(result)


def test_a_subordinate_government_leads_its_own_task(catalog):
    assert leads(suggest_units("格尔木市要加快建设全省副中心城市。", catalog))[0] == "格尔木市"
    project = suggest_units("格尔木二期储气站建成投运。", catalog)
    assert "格尔木市" not in leads(project)
    assert "格尔木市" in co_units(project)
    result = suggest_units("由德令哈市牵头,建设光伏产业园。", catalog)
    assert leads(result)[0] == "德令哈市"
    assert "州能源局" in co_units(result)


def test_an_explicitly_named_department_wins(catalog):
    result = suggest_units("由州卫健委牵头,州教育局配合,开展学校卫生专项检查。", catalog)
    assert leads(result) == ["州卫健委"]
    assert "文中点名: 州卫健委" in result.leads[0].reasons
    assert "州教育局" in co_units(result)


def test_a_department_named_without_its_locality_wins(catalog):
    result = suggest_units("卫健委牵头做好学校卫生工作。", catalog)
    assert leads(result)[0] == "州卫健委"


def test_a_whole_system_named_in_the_text_wins(catalog):
    result = suggest_units("由教育部门牵头,落实学生资助和就业帮扶政策。", catalog)
    assert leads(result)[0] == "州教育局"
    assert "文中点名: 教育部门" in result.leads[0].reasons


def test_overrides_win_over_the_lexicon(catalog):
    text = "巩固校外培训治理成果,持续推进“双减”工作走深走实。"
    assert leads(suggest_units(text, catalog))[0] == "州教育局"
    taught = suggest_units(text, catalog, overrides={"双减": "州政府办"})
    assert leads(taught)[0] == "州政府办"
    assert "已确认: 双减" in taught.leads[0].reasons
    assert leads(Suggester(catalog, overrides={"校外培训": "州市场监管局"}).suggest(text))[0] == "州市场监管局"


def test_a_lead_named_in_the_text_outweighs_an_override(catalog):
    result = suggest_units("由州卫健委牵头,持续推进双减工作。", catalog, overrides={"双减": "州政府办"})
    assert leads(result)[0] == "州卫健委"
    assert "州政府办" in leads(result) + co_units(result)


def test_an_override_naming_an_unknown_unit_is_ignored(catalog):
    suggester = Suggester(catalog, overrides={"双减": "不存在的单位"})
    assert suggester.unknown_overrides == ("不存在的单位",)
    assert leads(suggester.suggest("持续推进双减工作。"))[0] == "州教育局"


def test_the_theme_and_section_add_evidence_at_a_lower_weight(catalog):
    text = "深化综合改革,提升质量水平。"
    assert leads(suggest_units(text, catalog)) == []
    result = suggest_units(text, catalog, theme="深入推进教育高质量发展")
    assert leads(result)[0] == "州教育局"
    assert "主题: 深入推进教育高质量发展" in result.leads[0].reasons
    own = suggest_units("推动公立医院高质量发展。", catalog, theme="深入推进教育高质量发展")
    assert leads(own)[0] == "州卫健委"


def test_it_accepts_a_csv_path_as_units(catalog):
    by_path = suggest_units("加大学前教育普及普惠力度", str(CATALOG_CSV))
    assert by_path == suggest_units("加大学前教育普及普惠力度", catalog)
    assert suggest_units("加大学前教育普及普惠力度", CATALOG_CSV) == by_path


def test_leads_are_ranked_at_most_three_and_never_repeated_as_co_units(catalog):
    for text, theme, section, _acceptable in gold_tasks():
        result = suggest_units(text, catalog, theme=theme, section=section)
        assert len(result.leads) <= 3
        scores = [s.score for s in result.leads]
        assert scores == sorted(scores, reverse=True)
        assert not set(leads(result)) & set(co_units(result))
        assert len(result.co_units) <= 5


# --- unit names at every level --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "function"),
    [
        ("海西州教育局", "education"),
        ("青海省教育厅", "education"),
        ("教育部", "education"),
        ("某县教育和体育局", "education"),
        ("某县教育和体育局", "sports"),
        ("国家发展和改革委员会", "dev_reform"),
        ("省发展改革委", "dev_reform"),
        ("人力资源社会保障部", "hrss"),
        ("州人社局", "hrss"),
        ("国家卫生健康委员会", "health"),
        ("海西州文体旅游广电局", "culture"),
        ("海西州文体旅游广电局", "sports"),
        ("海西州文体旅游广电局", "tourism"),
        ("海西州文体旅游广电局", "broadcasting"),
        ("某县农业农村和水利局", "water"),
        ("中共海西州委网络安全和信息化委员会办公室", "cyberspace"),
        ("中国人民银行", "central_bank"),
    ],
)
def test_it_recognises_a_function_by_unit_name(name, function):
    suggester = Suggester(Catalog((Unit(name, name),)))
    assert function in suggester.unit_functions[name]


@pytest.mark.parametrize(
    "name",
    ["海西州人民政府办公室", "海西州人民政府国有资产监督管理委员会", "青海省科学技术协会", "中共海西州委网信办"],
)
def test_it_does_not_mistake_a_government_office_for_civil_affairs_or_science(name):
    suggester = Suggester(Catalog((Unit(name, name),)))
    assert "civil_affairs" not in suggester.unit_functions[name]
    assert "science" not in suggester.unit_functions[name]
    assert "industry_it" not in suggester.unit_functions[name]


def test_a_merged_bureau_takes_the_tasks_of_each_function_it_covers():
    units = load_units(EVAL / "county-units.csv")
    assert leads(suggest_units("广泛开展全民健身活动。", units))[0] == "县教体局"
    assert leads(suggest_units("推进义务教育优质均衡发展。", units))[0] == "县教体局"
    assert leads(suggest_units("推进病险水库除险加固。", units))[0] == "县农业农村水利局"


def test_a_function_without_its_own_bureau_falls_back_to_the_one_that_absorbs_it(catalog):
    assert leads(suggest_units("加大文物保护力度。", catalog))[0] == "州文体旅游广电局"
    national = load_units(EVAL / "national-units.csv")
    assert leads(suggest_units("确保不发生规模性返贫。", national))[0] == "农业农村部"
    # 宗教事务 went to 统战部 when 国家宗教事务局 was merged into it
    assert leads(suggest_units("依法管理宗教事务。", national))[0] == "中央统战部"


def test_a_catalog_without_kinds_still_treats_cities_as_places():
    units = Catalog((Unit("江东省发展和改革委员会", "省发展改革委"), Unit("江城市人民政府", "江城市")))
    result = suggest_units("支持江城市建设国家中心城市。", units)
    assert leads(result) == ["省发展改革委"]
    assert co_units(result) == ["江城市"]


def test_it_reads_the_longer_word_where_two_overlap(catalog):
    result = suggest_units("加大学前教育普及普惠力度", catalog)
    assert result.leads[0].reasons == ("关键词: 学前教育",)


# --- the lexicon ----------------------------------------------------------------------------


def test_the_lexicon_loads_with_known_functions_and_fallbacks():
    lexicon = load_lexicon()
    assert len(lexicon.functions) > 60
    assert len(lexicon.terms) > 1000
    for term, pairs in lexicon.terms.items():
        for function, weight in pairs:
            assert function in lexicon.functions, term
            assert 0 < weight <= 3, term


def test_each_vocabulary_term_is_listed_once():
    from luoshi.text.assign import VOCABULARY_PATH

    lines = VOCABULARY_PATH.read_text(encoding="utf-8").splitlines()
    terms = [line.split("\t")[0] for line in lines if line.strip() and not line.startswith("#")]
    assert len(terms) == len(set(terms)), sorted(t for t in set(terms) if terms.count(t) > 1)


def test_missing_lexicon_files_give_an_empty_lexicon(tmp_path, catalog):
    empty = load_lexicon(tmp_path / "none.tsv", tmp_path / "none.tsv")
    assert not empty.functions and not empty.terms
    suggester = Suggester(catalog, lexicon=empty)
    assert leads(suggester.suggest("加大学前教育普及普惠力度")) == []
    assert leads(suggester.suggest("由州教育局牵头,加大学前教育普及普惠力度")) == ["州教育局"]


def test_a_malformed_vocabulary_line_names_its_place(tmp_path):
    functions = tmp_path / "functions.tsv"
    functions.write_text("# comment\neducation\t教育\t教育\t-\t-\t教育\n", encoding="utf-8")
    vocabulary = tmp_path / "vocabulary.tsv"
    vocabulary.write_text("义务教育\tnowhere:3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"vocabulary\.tsv:1"):
        load_lexicon(functions, vocabulary)


# --- the command line -----------------------------------------------------------------------


def test_cli_suggest_prints_one_json_line_with_leads(capsys):
    assert main(["suggest", "--units", str(CATALOG_CSV), "加大学前教育普及普惠力度"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["text"] == "加大学前教育普及普惠力度"
    assert record["leads"][0]["unit"] == "州教育局"
    assert record["leads"][0]["reasons"]


def test_cli_suggest_reads_one_task_per_stdin_line_in_order(capsys, monkeypatch):
    texts = ["加大学前教育普及普惠力度", "各位代表,让我们团结奋斗!", "推动公立医院高质量发展"]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(texts) + "\n"))
    assert main(["suggest", "--units", str(CATALOG_CSV)]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in records] == texts
    assert [r["leads"][0]["unit"] if r["leads"] else None for r in records] == ["州教育局", None, "州卫健委"]


# --- properties -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("教育卫生健康州委格尔木市牵头配合部门,。、“”由支持")), max_size=40))
def test_no_text_breaks_the_invariants(text):
    catalog = load_units(CATALOG_CSV)
    result = suggest_units(text, catalog, theme=text[:8] or None)
    assert len(result.leads) <= 3
    assert not set(leads(result)) & set(co_units(result))
    for suggestion in result.leads + result.co_units:
        assert suggestion.reasons
        assert 0.0 <= suggestion.score <= 1.0
