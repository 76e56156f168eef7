"""How well do lead and co-unit suggestions carry over to assignments we did not write?

    python benchmarks/suggest_external.py [--verbose]

Reads every published task-division table under ``tests/data/assignments/`` (``<government>.csv``,
rows of task text, lead units and named co-units, its source URL in the header comment) with the
government's catalog (``<government>-units.csv``), asks ``suggest_units`` for each row's text and
prints, per government: rows, catalog size, lead accuracy (the top-1 suggested lead is one of the
table's leads), and co-unit precision and recall (suggested co-units, and the leads beyond the
first, against the table's named co-units and further leads). The last line is ``key=value``
figures over all rows. ``--verbose`` lists every row the top-1 lead misses.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a clean clone, uninstalled

from luoshi.text.assign import suggest_units
from luoshi.text.units import Catalog, load_units

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "assignments"


@dataclass(frozen=True)
class Row:
    text: str
    leads: tuple[str, ...]
    co_units: tuple[str, ...]


@dataclass
class Figures:
    rows: int = 0
    lead_hits: int = 0
    co_suggested: int = 0
    co_right: int = 0
    co_expected: int = 0
    co_found: int = 0

    def add(self, other: Figures) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def lead_accuracy(self) -> float:
        return self.lead_hits / self.rows if self.rows else 0.0

    @property
    def co_precision(self) -> float:
        return self.co_right / self.co_suggested if self.co_suggested else 0.0

    @property
    def co_recall(self) -> float:
        return self.co_found / self.co_expected if self.co_expected else 0.0


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.replace(",", "、").split("、") if part.strip())


def read_rows(path: Path) -> list[Row]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [
        Row(record["text"].strip(), _split(record["leads"]), _split(record["co_units"] or ""))
        for record in csv.DictReader(io.StringIO("\n".join(lines)))
    ]


def governments() -> list[tuple[str, list[Row], Catalog]]:
    out = []
    for path in sorted(DATA.glob("*.csv")):
        if path.stem.endswith("-units"):
            continue
        out.append((path.stem, read_rows(path), load_units(path.with_name(f"{path.stem}-units.csv"))))
    return out


def measure(rows: list[Row], catalog: Catalog, misses: list[str] | None = None) -> Figures:
    figures = Figures()
    for row in rows:
        result = suggest_units(row.text, catalog)
        leads = [s.unit for s in result.leads]
        figures.rows += 1
        if leads and leads[0] in row.leads:
            figures.lead_hits += 1
        elif misses is not None:
            misses.append(f"  {row.text[:40]} → {leads[:1] or '—'} (table: {'、'.join(row.leads)})")
        # every other unit the table names (further leads and co-units) against every other unit suggested
        expected = set(row.leads[1:]) | set(row.co_units)
        suggested = (set(leads[1:]) | {s.unit for s in result.co_units}) - {leads[0] if leads else ""}
        expected.discard(leads[0] if leads else "")
        figures.co_suggested += len(suggested)
        figures.co_right += len(suggested & expected)
        figures.co_expected += len(expected)
        figures.co_found += len(suggested & expected)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the rows whose top-1 lead misses")
    args = parser.parse_args(argv)
    total = Figures()
    for name, rows, catalog in governments():
        misses: list[str] = []
        figures = measure(rows, catalog, misses)
        total.add(figures)
        print(
            f"{name}: rows={figures.rows} units={len(catalog)} lead_top1={figures.lead_accuracy:.2f} "
            f"({figures.lead_hits}/{figures.rows}) co_precision={figures.co_precision:.2f} "
            f"({figures.co_right}/{figures.co_suggested}) co_recall={figures.co_recall:.2f} "
            f"({figures.co_found}/{figures.co_expected})"
        )
        if args.verbose:
            print("\n".join(misses))
    print(
        f"rows={total.rows} lead_top1={total.lead_accuracy:.3f} co_precision={total.co_precision:.3f} "
        f"co_recall={total.co_recall:.3f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
