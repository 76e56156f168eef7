"""Layouts other than the sample: our own short reports (tests/data/layouts) and, when the shared
development corpus is beside the checkout, the five national reports."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.text import decompose
from luoshi.text.model import InputError

LAYOUTS = Path(__file__).parent / "data" / "layouts"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def outline(document):
    return [
        (part.kind, section.number, theme.title, len(theme.tasks))
        for part in document.parts
        for section in part.sections
        for theme in section.themes
    ]


def test_it_reads_a_provincial_web_page_with_numbered_themes_on_their_own_lines():
    document = decompose((LAYOUTS / "province-web.txt").read_text("utf-8"))
    assert document.title == "政府工作报告"
    assert document.year == 2024
    assert [(p.number, p.kind) for p in document.parts] == [("一", "review"), ("二", "plan"), ("三", "self")]
    assert outline(document)[:4] == [
        ("plan", "一", "扩大有效投资", 2),
        ("plan", "一", "促进消费提质扩容", 2),
        ("plan", "二", "办好人民满意的教育", 2),
        ("plan", "二", "提升科技创新能力", 1),
    ]
    assert any(d.startswith("发布时间") for d in document.dropped)
    assert "责任编辑:李某" in document.dropped
    assert not any("各位代表" in t.text or "让我们" in t.text for *_, t in document.tasks())


def test_it_finds_the_main_expected_targets_of_the_year():
    document = decompose((LAYOUTS / "province-web.txt").read_text("utf-8"))
    numeric = {t.metric: (t.comparator, t.value, t.unit) for t in document.targets if t.kind == "numeric"}
    assert numeric["地区生产总值增长"] == ("~", 5.5, "%")
    assert numeric["城镇新增就业"] == (">=", 40, "万人")
    assert numeric["城镇调查失业率"] == ("<=", 5.5, "%")


def test_a_review_part_yields_no_tasks():
    for name in ("province-web.txt", "county-standalone.txt"):
        document = decompose((LAYOUTS / name).read_text("utf-8"))
        review = [p for p in document.parts if p.kind == "review"]
        assert review
        assert not [t for p in review for s in p.sections for th in s.themes for t in th.tasks]


def test_it_reads_unnumbered_parts_and_themes_standing_alone():
    document = decompose((LAYOUTS / "county-standalone.txt").read_text("utf-8"))
    assert [(p.title, p.kind) for p in document.parts] == [
        ("2023年工作回顾", "review"),
        ("2024年工作安排", "plan"),
        ("政府自身建设", "self"),
    ]
    assert outline(document)[:3] == [
        ("plan", "一", "做大做强特色农业", 2),
        ("plan", "一", "加快新型工业化步伐", 2),
        ("plan", "二", "办好民生实事", 2),
    ]
    ongoing = [t for *_, t in document.tasks() if t.ongoing]
    assert [t.text for t in ongoing] == ["常态化开展企业服务日活动。"]


def test_it_reads_an_unwrapped_report_with_one_paragraph_a_line(sample_text):
    single = "\n".join(line for line in sample_text.splitlines() if line.strip())
    expected = [(t.code, t.text) for *_, t in decompose(sample_text).tasks()]
    got = [(t.code, t.text) for *_, t in decompose(single).tasks()]
    # without blank lines a cut paragraph is indistinguishable from a hard wrap: the same tasks result
    assert got == expected


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared development corpus is not beside this checkout")
@pytest.mark.parametrize("year", [2014, 2015, 2016, 2017, 2018])
def test_it_decomposes_a_whole_national_report(year):
    document = decompose((CORPUS / f"national-{year}.txt").read_text("utf-8"))
    assert document.year == year
    kinds = [p.kind for p in document.parts]
    assert kinds[0] == "review" and "plan" in kinds
    tasks = [t for p, *_, t in document.tasks()]
    assert len(tasks) > 150
    assert all(p.kind != "review" for p, *_ in document.tasks())
    assert not any(t.text.startswith(("各位代表", "让我们")) for t in tasks)
    assert len([t for t in document.targets if t.kind == "numeric"]) >= 3


def test_it_reads_a_city_newspaper_print_cut_across_pages():
    document = decompose((LAYOUTS / "city-newspaper.txt").read_text("utf-8"))
    assert document.year == 2024
    assert {"江城日报", "第3版", "本报记者 赵某 钱某", "(下转第四版)", "(上接第三版)", "公益广告"} <= set(
        document.dropped
    )
    tasks = {t.text: t for *_, t in document.tasks()}
    cut = tasks["支持东湖区、临江县建设特色产业园区,打造千亿级装备制造产业集群。"]
    assert cut.places == ("东湖区", "临江县")
    assert cut.code == "2.1.1.3"
    jobs = tasks["城镇新增就业3万人以上,城镇调查失业率控制在5.5%以内。"]
    assert [(t.comparator, t.value, t.unit) for t in jobs.targets] == [(">=", 3, "万人"), ("<=", 5.5, "%")]
    assert tasks["实施“江城工匠”培育计划,开展职业技能培训5万人次。"].programmes == ("“江城工匠”培育计划",)
    assert not document.targets  # this report states no 主要预期目标
    assert all("奋斗" not in text for text in tasks)


def test_it_reads_themes_numbered_in_brackets_and_enumerations_opening_paragraphs():
    document = decompose((LAYOUTS / "province-enumerations.txt").read_text("utf-8"))
    assert outline(document) == [
        ("plan", "一", "稳定和扩大就业", 2),
        ("plan", "一", "办好人民满意的教育", 2),
        ("plan", "二", "深入打好污染防治攻坚战", 2),
        ("plan", "二", "稳妥推进碳达峰碳中和", 1),
        ("self", None, "全面推进依法行政", 1),
    ]
    pm = next(t for *_, t in document.tasks() if t.text.startswith("细颗粒物"))
    assert [(t.comparator, t.value, t.unit) for t in pm.targets] == [("<=", 30, "微克/立方米")]


def test_it_reads_a_pdf_extraction_with_page_numbers_running_heads_and_circled_themes():
    document = decompose((LAYOUTS / "province-pdf.txt").read_text("utf-8"))
    assert document.title == "2024年政府工作报告"
    assert {"— 1 —", "— 2 —", "某某省人民政府工作报告"} <= set(document.dropped)
    assert outline(document) == [
        ("plan", "一", "全力打造高水平创新平台体系", 2),
        ("plan", "一", "着力培育壮大科技型企业群体", 1),
        ("plan", "二", "持续增进民生福祉", 1),  # a section listing its tasks without themes
    ]
    first = next(t for *_, t in document.tasks())
    assert "推动重大科研设施向社会开放共享" in first.text  # re-joined across the page break
    assert not any("报告" in t.text for *_, t in document.tasks())


def test_a_review_without_a_heading_before_the_years_work_yields_no_tasks():
    document = decompose((LAYOUTS / "city-untitled-review.txt").read_text("utf-8"))
    assert [(p.title, p.kind) for p in document.parts] == [("2025年工作安排", "plan")]
    texts = [t.text for *_, t in document.tasks()]
    assert len(texts) == 7
    assert not any("2024年" in t or "清醒看到" in t or "成绩来之不易" in t for t in texts)
    assert [t.metric for t in document.targets] == ["地区生产总值增长", "城镇新增就业", "居民消费价格涨幅", "粮食产量"]


def test_a_glossary_after_the_closing_words_is_no_task():
    document = decompose((LAYOUTS / "city-untitled-review.txt").read_text("utf-8"))
    assert "名词解释" in document.dropped
    assert not any("专精特新:" in t.text or "指" in t.text[:4] for *_, t in document.tasks())


def test_a_verb_before_a_level_word_is_no_place():
    document = decompose((LAYOUTS / "city-untitled-review.txt").read_text("utf-8"))
    hospital = next(t for *_, t in document.tasks() if t.text.startswith("建成市第三人民医院"))
    assert hospital.places == ()
    county = decompose((LAYOUTS / "county-web-footer.txt").read_text("utf-8"))
    school = next(t for *_, t in county.tasks() if t.text.startswith("建成县第二中学"))
    assert school.places == ()
    village = next(t for *_, t in county.tasks() if "美丽乡村" in t.text)
    assert village.places == ("青石镇", "白沙乡")


def test_the_years_expected_targets_are_not_the_five_year_goals():
    document = decompose((LAYOUTS / "province-fiveyear.txt").read_text("utf-8"))
    metrics = [t.metric for t in document.targets if t.kind == "numeric"]
    assert metrics == ["生产总值增长", "一般公共预算收入增长", "城镇新增就业", "城镇调查失业率"]
    assert not any("经济保持合理增长" in t.text for t in document.targets)


def test_enumerations_inside_a_paragraph_are_themes_with_their_tasks():
    document = decompose((LAYOUTS / "province-fiveyear.txt").read_text("utf-8"))
    science = [(th.title, t.text) for p, s, th, t in document.tasks() if s.number == "二" and p.number == "三"]
    assert science == [
        ("强化创新平台建设", "新建省级重点实验室20家。"),
        ("壮大创新主体", "高新技术企业突破1.5万家。"),
        ("深化科技体制改革,扩大科研经费使用自主权", "三是深化科技体制改革,扩大科研经费使用自主权。"),
    ]


def test_a_line_with_nothing_under_it_is_its_own_task():
    document = decompose((LAYOUTS / "province-fiveyear.txt").read_text("utf-8"))
    own = [(th.title, t.text) for p, s, th, t in document.tasks() if p.kind == "self"]
    assert own == [
        ("坚持依法行政,自觉接受人大法律监督和政协民主监督", "坚持依法行政,自觉接受人大法律监督和政协民主监督。"),
        ("持之以恒正风肃纪,锲而不舍落实中央八项规定精神", "持之以恒正风肃纪,锲而不舍落实中央八项规定精神。"),
    ]
    assert all(th.tasks for p in document.parts for s in p.sections for th in s.themes)


def test_enumerated_clauses_after_semicolons_are_tasks_of_their_own():
    text = (
        "政府工作报告\n一、2023年工作回顾\n过去一年，全省经济增长5%。\n二、2024年重点工作\n（一）加快建设科技强省\n"
        "坚持创新驱动发展。一是强化创新平台建设，新建省级重点实验室20家；二是壮大创新主体，高新技术企业突破1.5万家；"
        "三是深化科技体制改革。\n（二）持续改善民生\n一是稳定就业，城镇新增就业50万人。\n二是办好教育，新建学校10所。\n"
    )
    document = decompose(text)
    assert [(s.number, th.title, t.text) for _, s, th, t in document.tasks()] == [
        ("一", "坚持创新驱动发展", "一是强化创新平台建设,新建省级重点实验室20家;"),
        ("一", "坚持创新驱动发展", "二是壮大创新主体,高新技术企业突破1.5万家;"),
        ("一", "坚持创新驱动发展", "三是深化科技体制改革。"),
        ("二", "持续改善民生", "一是稳定就业,城镇新增就业50万人。"),
        ("二", "持续改善民生", "二是办好教育,新建学校10所。"),
    ]


def test_a_web_page_footer_and_toolbar_are_dropped():
    document = decompose((LAYOUTS / "county-web-footer.txt").read_text("utf-8"))
    assert document.title == "2024年某某县政府工作报告"
    assert [(p.number, p.kind) for p in document.parts] == [("一", "review"), ("二", "plan"), ("三", "self")]
    assert {"【打印本页】【关闭窗口】", "扫一扫在手机打开当前页", "字号:大 中 小"} <= set(document.dropped)
    assert any(d.startswith("主办单位") for d in document.dropped)
    assert len(list(document.tasks())) == 7
    assert [t.value for t in document.targets if t.metric == "城乡居民人均可支配收入分别增长"] == [5.5, 7]


def test_a_review_opened_by_its_first_words_not_a_heading_yields_no_tasks():
    document = decompose((LAYOUTS / "city-review-no-heading.txt").read_text("utf-8"))
    assert [(p.number, p.kind) for p in document.parts] == [("一", "review"), ("二", "plan")]
    assert [t.text for *_, t in document.tasks()] == ["新培育规上工业企业50家。", "新建幼儿园5所。"]


def test_a_section_heading_with_its_tasks_bracketed_themes_and_runs_of_dashed_items():
    document = decompose((LAYOUTS / "district-lists.txt").read_text("utf-8"))
    assert [(s.number, th.title, t.text) for p, s, th, t in document.tasks() if p.kind == "plan"] == [
        ("一", "抓项目促投资", "全年谋划储备项目200个;争取中央预算内投资5亿元;开工建设重点项目60个。"),
        ("二", "聚焦工业升级", "实施工业倍增计划,新增规上工业企业30家。"),
        ("二", "聚焦工业升级", "推进园区标准厂房建设。"),
        ("二", "聚焦现代服务", "培育电商直播基地2个。"),
        ("三", "抓民生促和谐", "——办好十件民生实事。"),
        ("三", "抓民生促和谐", "——新增城镇就业8000人。"),
        ("三", "抓民生促和谐", "——完成老旧小区改造20个。"),
    ]
    investment = next(t for *_, t in document.tasks())
    assert [t.value for t in investment.targets] == [200, 5, 60]


def test_main_targets_listed_on_lines_of_their_own_are_the_documents_targets_and_no_tasks():
    document = decompose((LAYOUTS / "province-target-lines.txt").read_text("utf-8"))
    numeric = [(t.metric, t.comparator, t.value, t.unit) for t in document.targets if t.kind == "numeric"]
    assert numeric == [
        ("地区生产总值增长", "~", 5.5, "%"),
        ("一般公共预算收入增长", "=", 4, "%"),
        ("城镇新增就业", ">=", 45, "万人"),
        ("城镇调查失业率", "~", 5.5, "%"),
        ("居民消费价格涨幅", "~", 3, "%"),
        ("粮食产量", ">=", 3000, "万吨"),
    ]
    assert [t.text for t in document.targets if t.kind != "numeric"] == ["单位地区生产总值能耗完成国家下达的目标任务"]
    assert [t.text for *_, t in document.tasks()] == ["全年完成投资5000亿元。"]
    requirements = document.parts[1].sections[0]
    assert "——地区生产总值增长5.5%左右;" in requirements.guidance
    assert not requirements.themes


def test_a_report_hard_wrapped_without_indents_gives_the_same_tasks():
    text = (LAYOUTS / "county-web-footer.txt").read_text("utf-8")
    body = text[text.index("——2024") : text.index("【打印")]
    wrapped = "\n".join(line[k : k + 30] for line in body.splitlines() for k in range(0, len(line), 30))
    expected = [(t.code, t.text) for *_, t in decompose(text).tasks()]
    assert [(t.code, t.text) for *_, t in decompose("2024年某某县政府工作报告\n" + wrapped).tasks()] == expected


def test_a_subtitle_in_brackets_a_speaker_line_and_targets_split_by_semicolons():
    document = decompose((LAYOUTS / "province-subtitle-in-brackets.txt").read_text("utf-8"))
    assert (document.title, document.year) == ("2024年某某省政府工作报告", 2024)
    assert [(p.number, p.kind) for p in document.parts] == [("一", "review"), ("二", "plan"), ("三", "self")]
    assert [(t.metric, t.value) for t in document.targets if t.kind == "numeric"] == [
        ("生产总值增长", 5.5),
        ("城镇新增就业", 50),
        ("粮食总产量", 2000),
    ]
    assert [t.kind for t in document.targets][-1] == "milestone"
    texts = [t.text for *_, t in document.tasks()]
    assert len(texts) == 5
    assert not any("衷心感谢" in t or "以下十个方面" in t or "新征程上" in t for t in texts)


def test_a_photo_caption_and_page_furniture_are_dropped_and_a_page_break_ends_no_paragraph():
    document = decompose((LAYOUTS / "city-newspaper-pages.txt").read_text("utf-8"))
    assert "图为某某港集装箱码头一派繁忙景象。本报记者 王某 摄" in document.dropped
    assert {"(下转第4版)", "(上接第3版)", "第4版 要闻", "本版编辑:李某 校对:赵某"} <= set(document.dropped)
    assert not document.warnings  # lines of unequal length are no hard wrap
    assert [(th.title, t.text) for _, s, th, t in document.tasks() if s.number == "一"] == [
        ("扩大有效投资", "实施市级重点项目500个,完成投资1000亿元。"),
        ("提振消费需求", "开展促消费系列活动100场以上。"),
    ]


def test_a_web_page_copied_without_line_breaks_is_read_by_its_ideographic_indents():
    text = (LAYOUTS / "province-subtitle-in-brackets.txt").read_text("utf-8")
    run_on = "".join("\u3000\u3000" + line for line in text.splitlines())
    assert "\n" not in run_on
    expected = [(t.code, t.text) for *_, t in decompose(text).tasks()]
    assert [(t.code, t.text) for *_, t in decompose(run_on).tasks()] == expected


MARKUP = st.sampled_from(
    ["一、", "二、", "(一)", "（二）", "一是", "二是", "三要", "第一,", "其次", "——", "1.", "2．", "①", "【", "】",
     "主要预期目标为:", "主要预期目标是", "加快发展", "新建学校10所", "。", ";", "，", "2024年工作安排",
     "2023年工作回顾", "政府自身建设", "过去一年", "各位代表:", "让我们", "图为", "摄", "(下转第2版)",
     "\u3000\u3000", "以下工作", "实现上述目标", " ", "\n"]
)  # fmt: skip
REPORT_LIKE = st.lists(st.lists(MARKUP, max_size=8).map("".join), max_size=30).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=REPORT_LIKE)
def test_every_task_and_target_span_points_at_its_text_in_any_arrangement_of_headings(text):
    try:
        document = decompose(text)
    except InputError:
        return
    for *_, task in document.tasks():
        assert task.text and document.text[task.span[0] : task.span[1]] == task.text
        for target in task.targets:
            assert document.text[target.span[0] : target.span[1]] == target.text
    for target in document.targets:
        assert document.text[target.span[0] : target.span[1]] == target.text
    assert document.to_dict()["parts"] is not None


def test_numbered_items_under_numbered_themes_stay_with_their_own_theme():
    document = decompose((LAYOUTS / "city-nested-items.txt").read_text("utf-8"))
    assert [(s.number, th.title, t.text) for p, s, th, t in document.tasks() if p.kind == "plan"] == [
        ("一", "扩大有效投资", "(1)实施市级重点项目300个,完成投资500亿元。"),
        ("一", "扩大有效投资", "(2)争取专项债券资金50亿元。"),
        ("一", "促进消费升级", "(1)举办消费季活动30场。"),
        ("一", "促进消费升级", "(2)培育夜间经济集聚区3个。"),
        ("二", "办好民生实事", "第一,新建幼儿园10所;"),
        ("二", "办好民生实事", "第二,改造老旧小区50个;"),
        ("二", "办好民生实事", "第三,新增停车位5000个。"),
    ]


def test_a_note_explaining_words_is_no_task_and_an_annex_after_the_closing_is_listed_as_dropped():
    document = decompose((LAYOUTS / "city-note-and-annex.txt").read_text("utf-8"))
    assert [t.text for *_, t in document.tasks()] == ["实施市级重点项目300个。", "新建幼儿园10所。", "坚持依法行政。"]
    assert "注:市级重点项目指列入市重点项目库的项目。" in document.parts[1].sections[0].guidance
    assert {"附件", "2024年市政府民生实事项目", "1.新建改扩建幼儿园10所。"} <= set(document.dropped)


def test_a_table_row_of_a_docx_is_guidance_never_a_task():
    text = "政府工作报告\n二、2024年工作安排\n（一）扩大有效需求\n扩大有效投资。实施重点项目300个。\n指标 | 目标\n地区生产总值增长 | 5.5%左右\n"
    document = decompose(text)
    assert [t.text for *_, t in document.tasks()] == ["实施重点项目300个。"]
    assert document.parts[0].sections[0].guidance[-2:] == ("指标 | 目标", "地区生产总值增长 | 5.5%左右")
