"""清单责任化: suggest the lead unit and co-units of a task from a government's own unit catalog.

The only per-government input is the catalog (bare unit names). Everything else is general
knowledge kept as data with comments, read by ``lexicon`` (the function table and the policy
vocabulary).

A catalog is compiled once into one dictionary scanned leftmost-longest (``matcher``): vocabulary
terms carry unit weights, unit names (and their core names without the locality: 卫健委, 教育局)
are explicit mentions, 〈function〉部门 / 〈function〉机关 name a whole system, subordinate
governments are places. This module weighs what the scan finds. The theme and section a sentence
sits under add the same evidence at a lower weight. Overrides (term → unit label, taught by the
office) are scanned separately and outweigh the vocabulary.

Every suggestion carries its reasons ("关键词: 义务教育", "主题: …", "文中点名: 州卫健委",
"地名: 茫崖"); with no evidence there is no suggestion.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeAlias

from .lexicon import DATA_DIR, FUNCTIONS_PATH, VOCABULARY_PATH, Function, Lexicon, load_lexicon
from .matcher import KEYWORD, OVERRIDE, PLACE, SYSTEM, UNIT, Dictionary, Entry, Found, Hit
from .model import InputError, Suggestion, _make_suggestion
from .units import Catalog, Unit, load_units

__all__ = [  # the lexicon's names stay importable from here, where they lived first
    "DATA_DIR",
    "EMPTY",
    "FUNCTIONS_PATH",
    "VOCABULARY_PATH",
    "Function",
    "Lexicon",
    "Responsibility",
    "Suggester",
    "load_lexicon",
    "override_term",
    "suggest_units",
    "suggester_for",
]

# --- scoring knobs ---------------------------------------------------------------------------
THEME_WEIGHT = 0.6  # a theme title's evidence, relative to the sentence's own
SECTION_WEIGHT = 0.25  # a section title's evidence
FALLBACK_FACTOR = 0.8  # evidence passed to a fallback function, per step
REPEAT_BONUS = 0.3  # each repeat of a term already seen in the sentence, as a share of its weight
LISTED_SHARE = 0.5  # a word inside an enumeration "A、B、C等…": the noun after 等 governs the clause
MENTION_WEIGHT = 6.0  # a department named in the text
ROLE_LEAD_WEIGHT = 15.0  # a unit named with 牵头 / 负责: the text's own word outweighs an override
SYSTEM_WEIGHT = 5.0  # 教育部门, 公安机关, 卫生健康系统
OVERRIDE_WEIGHT = 12.0  # a term the office has taught
PLACE_CO_SCORE = 0.75  # score of a subordinate government named in the text, as co-unit
MIN_EVIDENCE = 0.8  # below this the top candidate is no suggestion at all
LEAD_RATIO = 0.3  # further leads need this share of the top score
CO_RATIO = 0.2  # co-units need this share of the top score
MAX_LEADS = 3
MAX_CO_UNITS = 5
MAX_REASON_TERMS = 4

# quotes and brackets are dropped before scanning: “八五”普法 reads as 八五普法
_STRIP = str.maketrans("", "", "“”‘’\"'「」『』《》〈〉")
_QUOTED = re.compile("[“”‘’\"'「」『』《》〈〉]")  # str.translate costs µs: skip it when there is none
_CLAUSE_END = re.compile(r"[,，;；。:：!！?？]")
_ROLE = re.compile(r"(牵头|负责|主抓|主责|配合|协助|协同|参与)")
_LEAD_ROLES = frozenset({"牵头", "负责", "主抓", "主责"})
_ROLE_REACH = 16  # characters after a name within which a role word still refers to it
# a place opening the sentence as its subject: 格尔木市要…, 德令哈加快… (not 格尔木二期储气站…)
_SUBJECT = re.compile(
    r"(?:要|将|需|应|作为|全力|加快|积极|着力|重点|全面|深入|持续|大力|建设|打造|推进|创建|争创|率先|力争)"
)
# a unit's core name: its name without the locality and the government or party committee
# in front (海西州教育局 → 教育局, 中共海西州委组织部 → 组织部, 国家发展和改革委员会 → 发展和改革委员会)
_LOCALITY = re.compile(
    r"^(?:中共|中国共产党)?(?:国家|国务院|中央|[\u4e00-\u9fff]{0,8}?"
    r"(?:省|自治区|市|自治州|州|地区|盟|县|自治县|区|旗))"
)
_ORGAN = re.compile(r"^(?:委员会|人民政府|委)")
# a unit of a catalog without kinds that is a subordinate government by its name
_GOVERNMENT_NAME = re.compile(r"(?:人民政府|行政公署|行署|行委|行政委员会|[省市县区州旗盟镇乡]|街道|街道办事处)$")
REGIONAL_TERM = "<多地>"  # vocabulary entry: evidence for a sentence naming many places
REGIONAL_MIN_PLACES = 3


@dataclass(frozen=True)
class Responsibility:
    """The suggested lead units (ranked, at most three) and co-units (ranked, never a lead)."""

    leads: tuple[Suggestion, ...]
    co_units: tuple[Suggestion, ...]

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {"leads": [s.to_dict() for s in self.leads], "co_units": [s.to_dict() for s in self.co_units]}


EMPTY = Responsibility((), ())
_NO_NOTES: Mapping[int, tuple[str, ...]] = {}

# a title's evidence: ((unit, weight, terms), ...)
_Context: TypeAlias = tuple[tuple[int, float, tuple[str, ...]], ...]
# the evidence of the titles a sentence sits under: ((unit, weight, note), ...), and each unit's notes
_Titles: TypeAlias = tuple[tuple[tuple[int, float, str], ...], Mapping[int, tuple[str, ...]]]


# --- the suggester ---------------------------------------------------------------------------


def _score(evidence: float) -> float:
    """``round(1.0 - math.exp(-evidence / 3.0), 3)``, the same float, in half the time: round()
    to three places goes through a decimal string; away from a tie (…5 in the fourth place) the
    nearest thousandth is int(1000x + 0.5), and k / 1000 is the float nearest to it, as round's is."""
    x = 1.0 - _exp(-evidence / 3.0)
    y = x * 1000.0
    if y >= 0.0:
        k = int(y + 0.5)
        if -0.4999 < y - k < 0.4999:  # float error in 1000x is below 1e-12
            return k / 1000.0
    return round(x, 3)


_exp = math.exp
_first = itemgetter(0)
_second = itemgetter(1)


def _core_names(name: str) -> list[str]:
    """The name without its locality, and without the government / party committee as well."""
    out = []
    m = _LOCALITY.match(name)
    if m and m.end():
        rest = name[m.end() :]
        out.append(rest)
        organ = _ORGAN.match(rest)
        if organ:
            out.append(rest[organ.end() :])
    return out


def _enumerations(text: str) -> list[tuple[int, int]]:
    """Spans of clauses up to an 等 that closes a list: "加强城镇燃气、道路交通、建筑施工等重点行业
    领域安全监管" → the span before 等, whose words count less than the governing noun after it."""
    spans = []
    start = 0
    for m in _CLAUSE_END.finditer(text + "。"):
        clause = text[start : m.start()]
        cut = clause.rfind("等")
        if cut > 0 and "、" in clause[:cut]:
            spans.append((start, start + cut))
        start = m.end()
    return spans


class Suggester:
    """Suggests responsible units for task sentences, for one catalog (compiled once)."""

    def __init__(
        self,
        catalog: Catalog,
        overrides: Mapping[str, str] | None = None,
        *,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.catalog = catalog
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self._labels = tuple(u.label for u in catalog.units)
        functions = self.lexicon.functions

        # which units serve which function, then each function resolved through its fallbacks
        served: dict[str, list[int]] = {fid: [] for fid in functions}
        self.unit_functions: dict[str, tuple[str, ...]] = {}
        government: list[bool] = []
        for i, unit in enumerate(catalog.units):
            fids = tuple(fid for fid, fn in functions.items() if fn.serves(unit))
            government.append(unit.is_government or self._looks_like_government(unit, fids))
            if government[-1]:
                fids = ()
            self.unit_functions[unit.label] = fids
            for fid in fids:
                served[fid].append(i)
        self._government = tuple(government)
        resolved: dict[str, tuple[tuple[int, float], ...]] = {}
        for fid in functions:
            current: str | None = fid
            factor = 1.0
            seen: set[str] = set()
            resolved[fid] = ()
            while current and current not in seen:
                seen.add(current)
                if served[current]:
                    resolved[fid] = tuple((i, factor) for i in served[current])
                    break
                current = functions[current].fallback
                factor *= FALLBACK_FACTOR

        entries: dict[str, Entry] = {}
        self._regional: tuple[tuple[int, float], ...] = ()
        for term, pairs in self.lexicon.terms.items():
            weights: dict[int, float] = {}
            for fid, weight in pairs:
                for i, factor in resolved.get(fid, ()):
                    value = weight * factor
                    if value > weights.get(i, 0.0):
                        weights[i] = value
            if term == REGIONAL_TERM:
                self._regional = tuple(weights.items())
            else:
                entries[term] = (KEYWORD, term, tuple(weights.items()))
        for fid, fn in functions.items():
            payload = tuple((i, SYSTEM_WEIGHT * factor) for i, factor in resolved[fid])
            for name in fn.names:
                for suffix in ("部门", "机关", "系统"):
                    entries.setdefault(name + suffix, (SYSTEM, name + suffix, payload))
                entries.setdefault(name + "系统性", (KEYWORD, name + "系统性", ()))
        for name, owner in self._mention_names(catalog).items():
            kind = PLACE if self._government[owner] else UNIT
            entries[name] = (kind, name, ((owner, 0.0),))  # its weight comes from its role in the sentence
        self._dictionary = Dictionary(entries)

        override_entries: dict[str, Entry] = {}
        unknown = []
        for term, label in (overrides or {}).items():
            taught = self._find_unit(label)
            if len(term) < 2 or taught is None:
                unknown.append(label)
                continue
            override_entries[term] = (OVERRIDE, term, ((taught, OVERRIDE_WEIGHT),))
        self.unknown_overrides = tuple(unknown)  # labels not in the catalog (or a one-character term)
        self._overrides = Dictionary(override_entries) if override_entries else None
        self._context_cache: dict[str, _Context] = {}
        self._titles_cache: dict[tuple[str | None, str | None], _Titles] = {}  # (theme, section) → evidence

    # -- compilation helpers --

    @staticmethod
    def _looks_like_government(unit: Unit, functions: tuple[str, ...]) -> bool:
        """A catalog that gives no kinds still lists 江城市 / 临海市人民政府 as places."""
        if functions or unit.kind not in ("", "department"):
            return False
        return any(_GOVERNMENT_NAME.search(name) for name in (unit.name, unit.short_name))

    def _mention_names(self, catalog: Catalog) -> dict[str, int]:
        """Every way the text may name a unit → its index; names shared by two units are dropped."""
        owners: dict[str, set[int]] = {}
        for i, unit in enumerate(catalog.units):
            names = set(unit.names)
            if not self._government[i]:
                fns = [self.lexicon.functions[f] for f in self.unit_functions[unit.label]]
                for name in unit.names:
                    for core in _core_names(name):
                        if len(core) >= 3 and core[0] != "委" and any(fn.matches_name(core) for fn in fns):
                            names.add(core)
            for name in names:
                if len(name) >= 2:
                    owners.setdefault(name, set()).add(i)
        return {name: next(iter(ids)) for name, ids in owners.items() if len(ids) == 1}

    def _find_unit(self, label: str) -> int | None:
        for i, unit in enumerate(self.catalog.units):
            if label in (unit.label, unit.name, unit.short_name) or label in unit.aliases:
                return i
        return None

    # -- scanning --

    def _scan(self, text: str) -> list[Hit]:
        hits = self._dictionary.scan(text)
        if self._overrides is not None:
            hits += self._overrides.scan(text)
        return hits

    def _titles(self, theme: str | None, section: str | None) -> _Titles:
        """Evidence of the theme and section a sentence sits under, in the order it is added:
        ((unit, weight, reason), ...), and each unit's reasons from them ({unit: (reason, ...)}),
        cached (every task under a theme shares them)."""
        key = (theme, section)
        cached = self._titles_cache.get(key)
        if cached is not None:
            return cached
        out: list[tuple[int, float, str]] = []
        for title, weight, label in ((theme, THEME_WEIGHT, "主题"), (section, SECTION_WEIGHT, "板块")):
            if not title:
                continue
            note = f"{label}: {title.strip().rstrip('。.')}"
            for i, w, _terms in self._context(title):
                out.append((i, w * weight, note))
        notes: dict[int, list[str]] = {}  # unit → its notes, in order (the reasons of the few kept)
        for i, _w, note in out:
            notes.setdefault(i, []).append(note)
        result: _Titles = (tuple(out), {i: tuple(n) for i, n in notes.items()})
        if len(self._titles_cache) > 4096:
            self._titles_cache.clear()
        self._titles_cache[key] = result
        return result

    def _context(self, title: str) -> _Context:
        """Evidence of a theme or section title: ((unit, weight, terms), ...), cached."""
        cached = self._context_cache.get(title)
        if cached is not None:
            return cached
        clean = title.translate(_STRIP)
        weights: dict[int, float] = {}
        terms: dict[int, list[str]] = {}
        hits = self._scan(clean)
        for _start, _end, kind, term, payload in hits:
            if kind in (KEYWORD, SYSTEM, OVERRIDE):
                for i, w in payload:
                    weights[i] = weights.get(i, 0.0) + w
                    terms.setdefault(i, []).append(term)
            elif kind == UNIT:
                i = payload[0][0]
                weights[i] = weights.get(i, 0.0) + MENTION_WEIGHT
                terms.setdefault(i, []).append(term)
        result = tuple((i, w, tuple(terms[i])) for i, w in weights.items())
        if len(self._context_cache) > 4096:
            self._context_cache.clear()
        self._context_cache[title] = result
        return result

    @staticmethod
    def _role(text: str, end: int) -> str | None:
        """牵头 / 配合 said of the unit named just before ``end``, within its clause."""
        window = text[end : end + _ROLE_REACH]
        stop = _CLAUSE_END.search(window)
        if stop:
            window = window[: stop.start()]
        m = _ROLE.search(window)
        if not m:
            return None
        return "lead" if m.group(1) in _LEAD_ROLES else "co"

    # -- the suggestion --

    def suggest(self, text: str, *, theme: str | None = None, section: str | None = None) -> Responsibility:
        if not text:
            return EMPTY
        clean = _QUOTED.sub("", text)  # as text.translate(_STRIP), five times faster
        found = self._dictionary.scan_indexes(clean)
        return self._weigh(clean, found, 0, len(found), 0, theme, section)

    def suggest_many(self, items: Iterable[tuple[str, str | None, str | None]]) -> list[Responsibility]:
        """``suggest`` for many (text, theme, section), the same results, from one dictionary scan
        of all the texts (a document's tasks: one call of the automaton instead of one a task)."""
        items = list(items)
        texts = [text or "" for text, _theme, _section in items]
        joined = "\0".join(texts)  # the quotes dropped from all at once, unless a text holds NUL
        if texts and joined.count("\0") == len(texts) - 1:
            cleans = _QUOTED.sub("", joined).split("\0")
        else:
            cleans = [_QUOTED.sub("", text) for text in texts]
        found, bounds = self._dictionary.scan_many(cleans)
        weigh = self._weigh
        return [
            weigh(clean, found, lo, hi, base, theme, section) if text else EMPTY
            for (text, theme, section), clean, (lo, hi, base) in zip(items, cleans, bounds, strict=True)
        ]

    def _weigh(
        self, clean: str, found: list[Found], lo: int, hi: int, base: int, theme: str | None, section: str | None
    ) -> Responsibility:
        """The suggestion from the terms of ``clean``: ``found[lo:hi]`` (index, start, end), their
        positions counted from ``base``."""
        evidence: dict[int, float] = {}
        contributions: dict[int, dict[str, float]] = {}  # unit → keyword evidence: term → value, first seen first
        named: dict[int, str] = {}
        taught: dict[int, str] = {}
        co_role: set[int] = set()
        places: dict[int, tuple[str, int, int]] = {}  # unit → (name as written, start, end)
        seen: dict[int, int] = {}  # keyword (its index) → times seen
        role_of = self._role
        get = evidence.get
        contributions_of = contributions.get

        dictionary = self._dictionary
        by_index = dictionary.by_index
        listed = _enumerations(clean) if "等" in clean and "、" in clean else ()
        repeat = REPEAT_BONUS
        for index, start, end in found[lo:hi] if lo or hi < len(found) else found:
            kind, term, payload, _length, _overtakers = by_index[index]
            if not kind:  # KEYWORD, the most of them
                count = seen.get(index, 0)
                seen[index] = count + 1
                if count > 2:
                    continue
                share = 1.0 if count == 0 else repeat
                if listed:
                    at = start - base
                    for a, b in listed:
                        if a <= at < b:
                            share *= LISTED_SHARE
                            break
                for i, w in payload:
                    value = w * share
                    evidence[i] = get(i, 0.0) + value
                    own = contributions_of(i)
                    if own is None:
                        contributions[i] = {term: value}
                    else:
                        own[term] = own.get(term, 0.0) + value
            elif kind == SYSTEM:  # 由教育部门牵头, 公安机关
                role = role_of(clean, end - base)
                share = ROLE_LEAD_WEIGHT / SYSTEM_WEIGHT if role == "lead" else 1.0
                for i, w in payload:
                    if role == "co":
                        co_role.add(i)
                    evidence[i] = get(i, 0.0) + w * share
                    if i not in named:
                        named[i] = term
            elif kind == UNIT:
                i = payload[0][0]
                role = role_of(clean, end - base)
                if role == "co":
                    co_role.add(i)
                    evidence[i] = get(i, 0.0) + 1.0
                else:
                    evidence[i] = get(i, 0.0) + (ROLE_LEAD_WEIGHT if role == "lead" else MENTION_WEIGHT)
                if i not in named:
                    named[i] = term
            elif payload[0][0] not in places:  # PLACE
                places[payload[0][0]] = (term, start - base, end - base)
        if self._overrides is not None:
            for _start, _end, _kind, term, payload in self._overrides.scan(clean):
                for i, w in payload:
                    if i not in taught:
                        evidence[i] = get(i, 0.0) + w
                        taught[i] = term

        context_units: dict[int, list[str]] = {}  # unit → reasons from beyond its own words
        place_leads: set[int] = set()
        if places:
            if len(places) >= REGIONAL_MIN_PLACES:
                note = "多地布局: " + "、".join(term for term, _s, _e in places.values())
                for i, w in self._regional:
                    evidence[i] = get(i, 0.0) + w
                    context_units.setdefault(i, []).append(note)
            # a subordinate government named in the text leads when the task is its own
            for i, (_term, start, end) in places.items():
                role = role_of(clean, end)
                opens_the_sentence = (
                    role is None and len(places) == 1 and start == 0 and _SUBJECT.match(clean, end) is not None
                )
                if role == "lead" or opens_the_sentence:
                    place_leads.add(i)

        title_notes = _NO_NOTES
        if theme or section:
            title_evidence, title_notes = self._titles(theme, section)
            for i, w, _note in title_evidence:
                evidence[i] = get(i, 0.0) + w

        government = self._government
        if places:
            if len(places) == 1 and all(government[i] for i in evidence):  # no department evidence
                place_leads.update(places)
            for i in place_leads:
                evidence[i] = get(i, 0.0) + ROLE_LEAD_WEIGHT
                if i not in named:
                    named[i] = places[i][0]
        if not evidence and not places:
            return EMPTY

        # by weight, heaviest first; equal weights keep their order (a reversed sort is stable)
        ranked = sorted(evidence.items(), key=_second, reverse=True)
        evidence_of = (named, taught, contributions, context_units, title_notes, places)
        leads: list[Suggestion] = []
        lead_ids: set[int] = set()
        top = next((w for i, w in ranked if i not in co_role), 0.0) if co_role else ranked[0][1] if ranked else 0.0
        if top >= MIN_EVIDENCE:
            least = LEAD_RATIO * top
            for i, w in ranked:
                if len(leads) >= MAX_LEADS or w < least:
                    break
                if i in co_role:
                    continue
                if government[i] and i not in place_leads and i not in taught:
                    continue
                leads.append(self._suggestion(i, w, *evidence_of))
                lead_ids.add(i)
        # co-units: scored and ranked first, their reasons written for the few kept
        candidates = [(PLACE_CO_SCORE, i, -1.0) for i in places if i not in lead_ids] if places else []
        top_department = 0.0
        for i, w in ranked:
            if not government[i]:
                top_department = w
                break
        floor = max(CO_RATIO * top_department, MIN_EVIDENCE / 2)
        named_or_co = co_role or named  # else only the weight counts: the weights fall along ranked
        for i, w in ranked:
            if w < floor and not named_or_co:
                break
            if i in lead_ids or i in places:
                continue
            if w >= floor or i in co_role or i in named:
                candidates.append((_score(w), i, w))
        if not candidates:
            return Responsibility(tuple(leads), ())
        if len(candidates) > 1:
            candidates.sort(key=_first, reverse=True)
            del candidates[MAX_CO_UNITS:]
        co_units = tuple(
            [
                _make_suggestion(self._labels[i], PLACE_CO_SCORE, (f"地名: {places[i][0]}",))
                if w < 0.0
                else self._suggestion(i, w, *evidence_of)
                for _score_, i, w in candidates
            ]
        )
        return Responsibility(tuple(leads), co_units)

    def _suggestion(
        self,
        i: int,
        weight: float,
        named: Mapping[int, str],
        taught: Mapping[int, str],
        contributions: Mapping[int, Mapping[str, float]],
        context_units: Mapping[int, list[str]],
        title_notes: Mapping[int, tuple[str, ...]],
        places: Mapping[int, tuple[str, int, int]],
    ) -> Suggestion:
        name = named.get(i) if named else None
        if name is not None:
            place = places.get(i) if places else None
            reasons = [("地名: " if place is not None and name == place[0] else "文中点名: ") + name]
        else:
            reasons = []
        if taught and i in taught:
            reasons.append(f"已确认: {taught[i]}")
        own = contributions.get(i)
        if own is not None:  # the strongest terms, equal ones in the order first seen
            if len(own) == 1:
                reasons.append("关键词: " + next(iter(own)))
            else:  # a reversed sort is stable
                best = sorted(own, key=own.__getitem__, reverse=True)[:MAX_REASON_TERMS]
                reasons.append("关键词: " + "、".join(best))
        context = context_units.get(i)  # 多地布局, then the theme's and the section's notes
        if context is not None:
            reasons += context
        notes = title_notes.get(i)
        if notes is not None:
            reasons += notes
        if not reasons:  # cannot happen: every unit with evidence got it from one of the above
            reasons.append("职能匹配")
        return _make_suggestion(self._labels[i], _score(weight), tuple(reasons))


# --- the module-level entry point ------------------------------------------------------------

_CACHE: OrderedDict[tuple[object, ...], tuple[object, Suggester]] = OrderedDict()
_CACHE_SIZE = 16


def suggester_for(units: Catalog | str | Path, overrides: Mapping[str, str] | None) -> Suggester:
    override_key = tuple(sorted(overrides.items())) if overrides else ()
    if isinstance(units, Catalog):
        key: tuple[object, ...] = ("catalog", id(units), override_key)
        keep: object = units
    elif isinstance(units, str | Path):
        path = Path(units)
        try:
            stat = path.stat()
        except OSError as exc:
            raise InputError(f"找不到单位目录文件 {path}: 请检查路径") from exc
        key = ("path", str(path.absolute()), stat.st_mtime_ns, stat.st_size, override_key)
        keep = None
    else:
        raise InputError("需要单位目录: 传入 Catalog 或 CSV 文件路径")
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found[1]
    catalog = units if isinstance(units, Catalog) else load_units(units)
    suggester = Suggester(catalog, overrides)
    _CACHE[key] = (keep if keep is not None else catalog, suggester)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return suggester


def suggest_units(
    text: str,
    units: Catalog | str | Path,
    *,
    theme: str | None = None,
    section: str | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Responsibility:
    """Suggest lead units and co-units for one task sentence.

    ``units`` is a Catalog or the path of a catalog CSV; the compiled suggester is cached per
    catalog (and overrides). ``theme`` and ``section`` are the titles the sentence sits under;
    ``overrides`` maps a term to a unit label and outweighs the built-in vocabulary.
    """
    return suggester_for(units, overrides).suggest(text, theme=theme, section=section)


def override_term(text: str) -> str:
    """The term a confirmed assignment teaches: the task's opening clause, as the engine scans it
    (quotes removed). Specific enough not to capture other tasks, and reports repeat such clauses."""
    for clause in _CLAUSE_END.split(text.translate(_STRIP)):
        clause = clause.strip()
        if len(clause) >= 4:
            return clause[:100]
    return ""
