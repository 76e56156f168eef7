"""The lexicon of unit suggestion: general knowledge of Chinese government, kept as data.

- ``data/assign_functions.tsv`` — the functions of Chinese government (教育, 发展改革, 卫生健康 …)
  and the unit-name patterns that carry them at every level (教育部 / 省教育厅 / 州教育局 /
  县教育和体育局), with a fallback function where a level has no bureau of its own;
- ``data/assign_vocabulary.tsv`` — policy vocabulary → functions, with weights.

``load_lexicon()`` reads both (the bundled files once, cached); ``assign`` compiles them against a
government's catalog.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .units import Unit

DATA_DIR = Path(__file__).with_name("data")
FUNCTIONS_PATH = DATA_DIR / "assign_functions.tsv"
VOCABULARY_PATH = DATA_DIR / "assign_vocabulary.tsv"


@dataclass(frozen=True)
class Function:
    """One government function and the unit-name pattern that recognises its units."""

    id: str
    label: str
    units: re.Pattern[str] | None
    excluded: re.Pattern[str] | None = None
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
