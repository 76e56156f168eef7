"""A government's unit catalog: departments, party organs and subordinate governments.

The catalog is the only per-government input: CSV with the columns ``name, short_name, kind,
aliases`` (aliases separated by ``;``). ``kind`` is ``department``, ``party``, ``government`` (a
subordinate government: city, county, district, 行委) or anything else the office uses.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import overload

from .model import InputError

GOVERNMENT_KINDS = frozenset({"government", "locality", "subordinate"})


@dataclass(frozen=True)
class Unit:
    name: str
    short_name: str
    kind: str = "department"
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The name the office uses day to day (short name when there is one)."""
        return self.short_name or self.name

    @property
    def names(self) -> tuple[str, ...]:
        """Every way the text may name this unit, longest first."""
        seen = dict.fromkeys(n for n in (self.name, self.short_name, *self.aliases) if n)
        return tuple(sorted(seen, key=len, reverse=True))

    @property
    def is_government(self) -> bool:
        return self.kind in GOVERNMENT_KINDS


@dataclass(frozen=True)
class Catalog:
    units: tuple[Unit, ...]

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def by_label(self, label: str) -> Unit | None:
        for unit in self.units:
            if label in (unit.label, unit.name, unit.short_name):
                return unit
        return None

    @property
    def governments(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if u.is_government)


def parse_units(text: str) -> Catalog:
    """Parse catalog CSV text. Raises InputError with one clear line when it is not a catalog."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise InputError("单位目录为空: 需要一个含 name, short_name, kind, aliases 列的 CSV 文件")
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    if "name" not in fields:
        raise InputError("单位目录缺少 name 列: 第一行应为 name,short_name,kind,aliases")
    reader.fieldnames = fields
    units = []
    seen = set()
    for row in reader:
        name = (row.get("name") or "").strip()
        if not name:
            continue
        short = (row.get("short_name") or "").strip() or name
        if short in seen:
            continue
        seen.add(short)
        kind = (row.get("kind") or "").strip() or "department"
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").replace("；", ";").split(";") if a.strip())
        units.append(Unit(name=name, short_name=short, kind=kind, aliases=aliases))
    if not units:
        raise InputError("单位目录没有任何单位: 请检查 CSV 的 name 列")
    return Catalog(tuple(units))


@overload
def load_units(source: str | Path | Catalog) -> Catalog: ...
@overload
def load_units(source: None) -> None: ...
def load_units(source: str | Path | Catalog | None) -> Catalog | None:
    """Load a catalog from a CSV path (or pass a Catalog through). ``None`` gives ``None``."""
    if source is None or isinstance(source, Catalog):
        return source
    path = Path(source)
    if not path.is_file():
        raise InputError(f"找不到单位目录文件 {path}: 请检查路径")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return parse_units(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise InputError(f"单位目录 {path} 不是 UTF-8 或 GB18030 编码的 CSV 文件")
