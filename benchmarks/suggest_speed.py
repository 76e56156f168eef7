"""How many responsibility suggestions per second: the gold's 79 task sentences, with their theme
and section titles, against a 50-unit catalog (the sample's 45 units and five more), for about
two seconds. The last line is ``key=value`` figures, suggestions_per_s first; the target is
``suggestions_per_s >= 20000``.

    python benchmarks/suggest_speed.py [--seconds 2]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import luoshi
from luoshi.text.assign import Suggester
from luoshi.text.units import Unit, load_units

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "data" / "haixi-2023-part2.gold.json"
CATALOG = Path(luoshi.__file__).parent / "data" / "haixi-units.csv"
EXTRA_UNITS = (
    Unit("海西州气象局", "州气象局"),
    Unit("国家税务总局海西州税务局", "州税务局"),
    Unit("海西州总工会", "州总工会", "organization"),
    Unit("海西州妇女联合会", "州妇联", "organization"),
    Unit("中共海西州纪律检查委员会", "州纪委监委", "party"),
)


def gold_tasks() -> list[tuple[str, str | None, str | None]]:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return [
        (task["text"], theme["title"], section.get("title"))
        for part in gold["parts"]
        for section in part["sections"]
        for theme in section["themes"]
        for task in theme["tasks"]
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    base = load_units(CATALOG)
    catalog = type(base)(base.units + EXTRA_UNITS)
    started = time.perf_counter()
    suggester = Suggester(catalog)
    compile_ms = (time.perf_counter() - started) * 1000

    tasks = gold_tasks()
    count = 0
    started = time.perf_counter()
    deadline = started + args.seconds
    while time.perf_counter() < deadline:
        for text, theme, section in tasks:
            suggester.suggest(text, theme=theme, section=section)
        count += len(tasks)
    elapsed = time.perf_counter() - started
    per_s = count / elapsed
    print(f"units={len(catalog)} tasks={len(tasks)} suggestions={count} seconds={elapsed:.2f}")
    print(f"suggestions_per_s={per_s:.0f} suggestion_ms={1000 / per_s:.4f} compile_ms={compile_ms:.1f}")


if __name__ == "__main__":
    main()
