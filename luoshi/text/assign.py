"""清单责任化: suggest the lead unit and co-units of a task from a government's own unit catalog.

The only per-government input is the catalog (bare unit names). Everything else is general
knowledge kept as data with comments:

- ``data/assign_functions.tsv`` — the functions of Chinese government (教育, 发展改革, 卫生健康 …)
  and the unit-name patterns that carry them at every level (教育部 / 省教育厅 / 州教育局 /
  县教育和体育局), with a fallback function where a level has no bureau of its own;
- ``data/assign_vocabulary.tsv`` — policy vocabulary → functions, with weights.

A catalog is compiled once into one dictionary scanned leftmost-longest: vocabulary terms carry
unit weights, unit names (and their core names without the locality: 卫健委, 教育局) are explicit
mentions, 〈function〉部门 / 〈function〉机关 name a whole system, subordinate governments are places.
The theme and section a sentence sits under add the same evidence at a lower weight. Overrides
(term → unit label, taught by the office) are scanned separately and outweigh the vocabulary.

Every suggestion carries its reasons ("关键词: 义务教育", "主题: …", "文中点名: 州卫健委",
"地名: 茫崖"); with no evidence there is no suggestion.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

from .model import InputError, Suggestion, _make_suggestion
from .units import Catalog, Unit, load_units

try:  # a compiled leftmost-longest matcher; without it the same scan runs as one regex
    from ahocorasick_rs import AhoCorasick as _AhoCorasick
    from ahocorasick_rs import MatchKind

    _LEFTMOST_LONGEST = MatchKind.LeftmostLongest
except ImportError:  # pragma: no cover
    _AhoCorasick = None
    _LEFTMOST_LONGEST = None

DATA_DIR = Path(__file__).with_name("data")
FUNCTIONS_PATH = DATA_DIR / "assign_functions.tsv"
VOCABULARY_PATH = DATA_DIR / "assign_vocabulary.tsv"

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

# dictionary entry kinds
_KEYWORD, _SYSTEM, _UNIT, _PLACE, _OVERRIDE = range(5)

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

    def to_dict(self) -> dict:
        return {"leads": [s.to_dict() for s in self.leads], "co_units": [s.to_dict() for s in self.co_units]}


EMPTY = Responsibility((), ())
_NO_NOTES: Mapping[int, tuple[str, ...]] = {}


# --- the lexicon -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Function:
    """One government function and the unit-name pattern that recognises its units."""

    id: str
    label: str
    units: re.Pattern | None
    excluded: re.Pattern | None = None
    fallback: str | None = None
    names: tuple[str, ...] = ()

    def serves(self, unit: Unit) -> bool:
        return not unit.is_government and any(self.matches_name(name) for name in unit.names)

    def matches_name(self, name: str) -> bool:
        if self.units is None or not self.units.search(name):
            return False
        return not (self.excluded and self.excluded.search(name))


@dataclass(frozen=True)
class Lexicon:
    functions: Mapping[str, Function]
    terms: Mapping[str, tuple[tuple[str, float], ...]]  # term → ((function id, weight), ...)


def _data_lines(path: Path) -> Iterable[tuple[int, list[str]]]:
    """Non-comment, non-blank lines of a tab-separated data file; a missing file has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        yield number, [cell.strip() for cell in line.split("\t")]


def load_lexicon(functions_path: str | Path | None = None, vocabulary_path: str | Path | None = None) -> Lexicon:
    """Read the function table and the vocabulary. Missing or empty files give an empty lexicon
    (the engine then suggests only units named in the text); a malformed line raises ValueError
    naming the file and line."""
    if functions_path is None and vocabulary_path is None:
        return _default_lexicon()
    return _read_lexicon(Path(functions_path or FUNCTIONS_PATH), Path(vocabulary_path or VOCABULARY_PATH))


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return _read_lexicon(FUNCTIONS_PATH, VOCABULARY_PATH)


def _read_lexicon(functions_path: Path, vocabulary_path: Path) -> Lexicon:
    functions: dict[str, Function] = {}
    for number, cells in _data_lines(functions_path):
        if len(cells) < 3:
            raise ValueError(f"{functions_path.name}:{number}: 需要 id, label, units 至少三列")
        cells += ["-"] * (6 - len(cells))
        fid, label, units, excluded, fallback, names = cells[:6]
        try:
            functions[fid] = Function(
                id=fid,
                label=label,
                units=re.compile(units) if units and units != "-" else None,
                excluded=re.compile(excluded) if excluded and excluded != "-" else None,
                fallback=fallback if fallback and fallback != "-" else None,
                names=tuple(n for n in names.split() if n != "-"),
            )
        except re.error as exc:
            raise ValueError(f"{functions_path.name}:{number}: 正则表达式有误: {exc}") from exc
    for fn in functions.values():
        if fn.fallback and fn.fallback not in functions:
            raise ValueError(f"{functions_path.name}: {fn.id} 的兜底职能 {fn.fallback} 不存在")
    terms: dict[str, tuple[tuple[str, float], ...]] = {}
    for number, cells in _data_lines(vocabulary_path):
        term = cells[0]
        spec = " ".join(cells[1:]).split()
        if not term or not spec:
            raise ValueError(f"{vocabulary_path.name}:{number}: 需要 词语<TAB>职能:权重")
        pairs: list[tuple[str, float]] = []
        if spec != ["-"]:
            for item in spec:
                fid, _, weight = item.partition(":")
                if fid not in functions:
                    raise ValueError(f"{vocabulary_path.name}:{number}: 未知职能 {fid}")
                try:
                    pairs.append((fid, float(weight or 1)))
                except ValueError as exc:
                    raise ValueError(f"{vocabulary_path.name}:{number}: 权重应为数字: {item}") from exc
        terms[term] = tuple(pairs)
    return Lexicon(functions=functions, terms=terms)


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


def _trie_pattern(node: dict) -> bytes:
    """A regex (bytes) matching the words of a byte trie, the longest at a position first."""
    alternatives = [
        re.escape(bytes((byte,))) + _trie_pattern(child) for byte, child in node.items() if byte is not None
    ]
    if not alternatives:
        return b""
    body = alternatives[0] if len(alternatives) == 1 else b"(?:" + b"|".join(alternatives) + b")"
    if None in node:  # a word ends here: a longer one is tried first
        body = (b"(?:" + body + b")?") if len(alternatives) > 1 or len(body) > 1 else body + b"?"
    return body


class _Dictionary:
    """Entries (term → (kind, term, payload)) compiled for a leftmost-longest scan.

    The terms (two characters or more) become an Aho-Corasick automaton (ahocorasick_rs, match kind
    leftmost-longest): one call gives the scan's terms left to right, as (index, start, end),
    without a Python step per character. Without the library they become one regex over UTF-8
    bytes, built as a trie so that at each position the longest term matches, and ``findall`` gives
    the same terms. Where a keyword could give way to a longer term starting inside it
    (``overtakers``: its offsets k at which such a term may start), that is checked against the
    characters; the scan then resumes one character further on."""

    __slots__ = ("automaton", "by_index", "entries", "followers", "index", "joinable", "longest", "pattern", "position")

    def __init__(self, entries: Mapping[str, tuple]):
        terms = [term for term in entries if len(term) >= 2]
        index: dict[str, list] = {}
        for term in terms:
            index.setdefault(term[:2], []).append(term)
        # terms by their first two characters, longest first (the overtaking check)
        self.index = {k: tuple(sorted(v, key=lambda t: -len(t))) for k, v in index.items()}
        longest: dict[str, int] = {}  # prefix → length of the longest term starting with it
        for term in terms:
            n = len(term)
            for k in range(1, n + 1):
                if longest.get(term[:k], 0) < n:
                    longest[term[:k]] = n
        self.longest = longest
        self.entries: dict[bytes, tuple] = {}
        trie: dict = {}
        for term in terms:
            kind, _term, payload = entries[term]
            n = len(term)
            overtakers = ()
            if kind <= _SYSTEM:
                overtakers = tuple(k for k in range(1, n) if longest.get(term[k:], 0) > n)
            key = term.encode("utf-8", "surrogatepass")
            self.entries[key] = (kind, term, payload, n, overtakers)
            node = trie
            for byte in key:
                node = node.setdefault(byte, {})
            node[None] = True
        # the same entries by their index in ``terms``, for the automaton's (index, start, end)
        self.by_index = tuple(self.entries[term.encode("utf-8", "surrogatepass")] for term in terms)
        self.position = {term: k for k, term in enumerate(terms)}
        # for a term that may give way to a longer one, the characters after it that let a longer
        # term start inside it and run past its end (the quick test of scan_indexes, as a set)
        following: dict[str, list[tuple[str, int]]] = {}
        for prefix, n in longest.items():
            if len(prefix) > 1:
                following.setdefault(prefix[:-1], []).append((prefix[-1], n))
        self.followers = tuple(
            frozenset(c for k in offsets for c, n in following.get(term[k:], ()) if n > length) if offsets else None
            for _kind, term, _payload, length, offsets in self.by_index
        )
        self.joinable = not any("\0" in term for term in terms)  # scan_many joins texts with NUL
        self.automaton = None
        if _AhoCorasick is not None and terms:
            try:
                self.automaton = _AhoCorasick(terms, matchkind=_LEFTMOST_LONGEST)
            except (ValueError, UnicodeError):  # terms it cannot take (lone surrogates): the regex
                self.automaton = None
        self.pattern = None
        if self.automaton is None:
            try:
                self.pattern = re.compile(_trie_pattern(trie)) if terms else None
            except (RecursionError, re.error, OverflowError):  # pathological terms: scan in Python
                self.pattern = None

    def scan(self, text: str) -> list[tuple]:
        """Non-overlapping terms, left to right, longest first; a word gives way to a longer one
        that starts inside it and runs past its end (加大学前教育: 学前教育, not 大学). Names of
        units and places never give way (江城市建设: the place 江城市, not 城市建设)."""
        if self.automaton is not None:
            by_index = self.by_index
            out = []
            for index, start, end in self.scan_indexes(text):
                kind, term, payload, _n, _overtakers = by_index[index]
                out.append((start, end, kind, term, payload))
            return out
        if self.pattern is None:
            return self._scan_slowly(text) if self.entries else []
        hits: list[tuple] = []
        data = text.encode("utf-8", "surrogatepass")
        findall = self.pattern.findall
        entries = self.entries
        find = text.find
        position = 0  # in characters; the regex resumes where the last term ended
        found = findall(data)
        while found:
            restart = None
            for key in found:
                kind, term, payload, n, overtakers = entries[key]
                start = find(term, position)  # no term occurs before it (leftmost), so find is exact
                if overtakers and self._overtaken(text, start, n, overtakers):
                    restart = start + 1
                    break
                position = start + n
                hits.append((start, position, kind, term, payload))
            if restart is None:
                break
            position = restart
            found = findall(data, len(text[:restart].encode("utf-8", "surrogatepass")))
        return hits

    def scan_indexes(self, text: str) -> list[tuple[int, int, int]]:
        """The scan as (index in ``by_index``, start, end), found by the automaton (leftmost-longest,
        as the regex does); a term that gives way to a longer one restarts it one character on."""
        automaton = self.automaton
        found = None
        if automaton is not None:
            try:
                found = automaton.find_matches_as_indexes(text)
            except UnicodeError:  # lone surrogates
                found = None
        if found is None:  # the regex scan (or the Python one), in this form
            hits = self.scan(text) if automaton is None else self._scan_slowly(text)
            position = self.position
            return [(position[term], start, end) for start, end, _kind, term, _payload in hits]
        by_index = self.by_index
        longest = self.longest.get
        overtaken = self._overtaken
        for k, (index, start, end) in enumerate(found):
            offsets = by_index[index][4]
            if not offsets:
                continue
            # a longer term starting inside runs past the end: it begins with the text up to there
            n = end - start
            stop = end + 1
            for offset in offsets:
                if longest(text[start + offset : stop], 0) > n:
                    break
            else:
                continue
            if overtaken(text, start, n, offsets):
                hits = found[:k]
                while True:  # resume one character on, in the rest of the text
                    restart = start + 1
                    rest = automaton.find_matches_as_indexes(text[restart:])
                    for index, start, end in rest:
                        start += restart
                        entry = by_index[index]
                        if entry[4] and overtaken(text, start, entry[3], entry[4]):
                            break
                        hits.append((index, start, end + restart))
                    else:
                        return hits
        return found

    def scan_many(self, texts: list[str]) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
        """The scans of many texts from one call of the automaton: ``(found, bounds)`` where the
        hits of ``texts[k]`` are ``found[lo:hi]`` with ``(lo, hi, base) = bounds[k]``, their
        positions counted from ``base`` (each text's own hits, as ``scan_indexes`` gives them).

        The texts are joined with NUL, which no term holds, so no term runs across two of them
        and the leftmost-longest scan of each stretch is the scan of that text alone. The
        overtaking check reads the joined text: past a text's end comes NUL, so it finds what it
        finds in the text alone. A text where a term does give way to a longer one is scanned
        alone (the scan restarts there), as are all of them without the automaton."""
        automaton = self.automaton
        found = None
        if automaton is not None and self.joinable and len(texts) > 1:
            joined = "\0".join(texts)
            if joined.count("\0") == len(texts) - 1:
                try:
                    found = automaton.find_matches_as_indexes(joined)
                except UnicodeError:  # lone surrogates
                    found = None
        if found is None:
            found = []
            bounds = []
            for text in texts:
                lo = len(found)
                found += self.scan_indexes(text)
                bounds.append((lo, len(found), 0))
            return found, bounds
        # where each text starts in the joined text, and where its hits start in ``found``
        bases = []
        base = 0
        for text in texts:
            bases.append(base)
            base += len(text) + 1
        bases.append(base)  # past the end
        firsts = [0] * (len(texts) + 1)
        followers = self.followers
        after = joined + "\0"  # the character after each term (NUL after the last text)
        suspects = []  # hits that may give way to a longer term: (text number, hit number)
        t = 0
        end = bases[1] - 1
        for k, (index, start, stop) in enumerate(found):
            while start >= end:
                t += 1
                firsts[t] = k
                end = bases[t + 1] - 1
            chars = followers[index]
            if chars is not None and after[stop] in chars:
                suspects.append((t, k))
        for rest in range(t + 1, len(texts) + 1):  # texts after the last hit's: none of their own
            firsts[rest] = len(found)
        alone: set[int] = set()
        if suspects:
            by_index = self.by_index
            overtaken = self._overtaken
            for t, k in suspects:
                index, start, stop = found[k]
                if t not in alone and overtaken(joined, start, stop - start, by_index[index][4]):
                    alone.add(t)
        bounds = [(firsts[t], firsts[t + 1], bases[t]) for t in range(len(texts))]
        for t in sorted(alone):  # a term gives way to a longer one: the text alone
            own = self.scan_indexes(texts[t])
            bounds[t] = (len(found), len(found) + len(own), 0)
            found += own
        return found, bounds

    def _overtaken(self, text: str, start: int, length: int, offsets: tuple[int, ...]) -> bool:
        """Whether a term longer than ``length`` starts at start + k (k in offsets)."""
        get = self.index.get
        for k in offsets:
            j = start + k
            for term in get(text[j : j + 2], ()):
                if len(term) <= length:
                    break
                if text.startswith(term, j):
                    return True
        return False

    def _scan_slowly(self, text: str) -> list[tuple]:
        """The same scan one character at a time (when the terms do not compile into a regex)."""
        hits = []
        entries = {e[1]: e for e in self.entries.values()}
        i, n = 0, len(text) - 1
        get = self.index.get
        while i < n:
            for term in get(text[i : i + 2], ()):
                if text.startswith(term, i):
                    kind, term, payload, length, overtakers = entries[term]
                    if overtakers and self._overtaken(text, i, length, overtakers):
                        i += 1
                    else:
                        hits.append((i, i + length, kind, term, payload))
                        i += length
                    break
            else:
                i += 1
        return hits


class Suggester:
    """Suggests responsible units for task sentences, for one catalog (compiled once)."""

    def __init__(
        self,
        catalog: Catalog,
        overrides: Mapping[str, str] | None = None,
        *,
        lexicon: Lexicon | None = None,
    ):
        self.catalog = catalog
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self._labels = tuple(u.label for u in catalog.units)
        functions = self.lexicon.functions

        # which units serve which function, then each function resolved through its fallbacks
        served: dict[str, list[int]] = {fid: [] for fid in functions}
        self.unit_functions: dict[str, tuple[str, ...]] = {}
        government = []
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
            current, factor, seen = fid, 1.0, set()
            resolved[fid] = ()
            while current and current not in seen:
                seen.add(current)
                if served[current]:
                    resolved[fid] = tuple((i, factor) for i in served[current])
                    break
                current = functions[current].fallback
                factor *= FALLBACK_FACTOR

        entries: dict[str, tuple[int, str, tuple]] = {}
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
                entries[term] = (_KEYWORD, term, tuple(weights.items()))
        for fid, fn in functions.items():
            payload = tuple((i, SYSTEM_WEIGHT * factor) for i, factor in resolved[fid])
            for name in fn.names:
                for suffix in ("部门", "机关", "系统"):
                    entries.setdefault(name + suffix, (_SYSTEM, name + suffix, payload))
                entries.setdefault(name + "系统性", (_KEYWORD, name + "系统性", ()))
        for name, owner in self._mention_names(catalog).items():
            kind = _PLACE if self._government[owner] else _UNIT
            entries[name] = (kind, name, (owner,))
        self._dictionary = _Dictionary(entries)

        override_entries: dict[str, tuple[int, str, tuple]] = {}
        unknown = []
        for term, label in (overrides or {}).items():
            owner = self._find_unit(label)
            if len(term) < 2 or owner is None:
                unknown.append(label)
                continue
            override_entries[term] = (_OVERRIDE, term, ((owner, OVERRIDE_WEIGHT),))
        self.unknown_overrides = tuple(unknown)  # labels not in the catalog (or a one-character term)
        self._overrides = _Dictionary(override_entries) if override_entries else None
        self._context_cache: dict[str, tuple] = {}
        self._titles_cache: dict[tuple, tuple] = {}  # (theme, section) → evidence, in order

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

    def _scan(self, text: str) -> list[tuple]:
        hits = self._dictionary.scan(text)
        if self._overrides is not None:
            hits += self._overrides.scan(text)
        return hits

    def _titles(self, theme: str | None, section: str | None) -> tuple:
        """Evidence of the theme and section a sentence sits under, in the order it is added:
        ((unit, weight, reason), ...), and each unit's reasons from them ({unit: (reason, ...)}),
        cached (every task under a theme shares them)."""
        key = (theme, section)
        cached = self._titles_cache.get(key)
        if cached is not None:
            return cached
        out = []
        for title, weight, label in ((theme, THEME_WEIGHT, "主题"), (section, SECTION_WEIGHT, "板块")):
            if not title:
                continue
            note = f"{label}: {title.strip().rstrip('。.')}"
            for i, w, _terms in self._context(title):
                out.append((i, w * weight, note))
        notes: dict[int, list[str]] = {}  # unit → its notes, in order (the reasons of the few kept)
        for i, _w, note in out:
            notes.setdefault(i, []).append(note)
        result = (tuple(out), {i: tuple(n) for i, n in notes.items()})
        if len(self._titles_cache) > 4096:
            self._titles_cache.clear()
        self._titles_cache[key] = result
        return result

    def _context(self, title: str) -> tuple:
        """Evidence of a theme or section title: ((unit, weight, terms), ...), cached."""
        cached = self._context_cache.get(title)
        if cached is not None:
            return cached
        clean = title.translate(_STRIP)
        weights: dict[int, float] = {}
        terms: dict[int, list[str]] = {}
        hits = self._scan(clean)
        for _start, _end, kind, term, payload in hits:
            if kind in (_KEYWORD, _SYSTEM, _OVERRIDE):
                for i, w in payload:
                    weights[i] = weights.get(i, 0.0) + w
                    terms.setdefault(i, []).append(term)
            elif kind == _UNIT:
                i = payload[0]
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
        self, clean: str, found: list, lo: int, hi: int, base: int, theme: str | None, section: str | None
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
            if not kind:  # _KEYWORD, the most of them
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
            elif kind == _SYSTEM:  # 由教育部门牵头, 公安机关
                role = role_of(clean, end - base)
                share = ROLE_LEAD_WEIGHT / SYSTEM_WEIGHT if role == "lead" else 1.0
                for i, w in payload:
                    if role == "co":
                        co_role.add(i)
                    evidence[i] = get(i, 0.0) + w * share
                    if i not in named:
                        named[i] = term
            elif kind == _UNIT:
                i = payload[0]
                role = role_of(clean, end - base)
                if role == "co":
                    co_role.add(i)
                    evidence[i] = get(i, 0.0) + 1.0
                else:
                    evidence[i] = get(i, 0.0) + (ROLE_LEAD_WEIGHT if role == "lead" else MENTION_WEIGHT)
                if i not in named:
                    named[i] = term
            elif payload[0] not in places:  # _PLACE
                places[payload[0]] = (term, start - base, end - base)
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

    def _suggestion(self, i, weight, named, taught, contributions, context_units, title_notes, places) -> Suggestion:
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
        context = title_notes.get(i)
        if context is not None:
            reasons += context
        if not reasons:  # cannot happen: every unit with evidence got it from one of the above
            reasons.append("职能匹配")
        return _make_suggestion(self._labels[i], _score(weight), tuple(reasons))


# --- the module-level entry point ------------------------------------------------------------

_CACHE: OrderedDict[tuple, tuple[object, Suggester]] = OrderedDict()
_CACHE_SIZE = 16


def _suggester_for(units: Catalog | str | Path, overrides: Mapping[str, str] | None) -> Suggester:
    override_key = tuple(sorted(overrides.items())) if overrides else ()
    if isinstance(units, Catalog):
        key: tuple = ("catalog", id(units), override_key)
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
    return _suggester_for(units, overrides).suggest(text, theme=theme, section=section)


_OVERRIDE_CLAUSE = re.compile(r"[,，;；。:：!！?？]")
_OVERRIDE_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』《》〈〉")


def override_term(text: str) -> str:
    """The term a confirmed assignment teaches: the task's opening clause, as the engine scans it
    (quotes removed). Specific enough not to capture other tasks, and reports repeat such clauses."""
    for clause in _OVERRIDE_CLAUSE.split(text.translate(_OVERRIDE_QUOTES)):
        clause = clause.strip()
        if len(clause) >= 4:
            return clause[:100]
    return ""
