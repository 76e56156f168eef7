"""How fast is decomposition, against jieba word segmentation of the same text?

    python benchmarks/decompose_speed.py [REPORT ...] [--units CATALOG.csv] [--seconds 2]

Without REPORT it uses the bundled sample, repeated to about 20,000 characters (the length of a
whole national report), so it runs from a clean clone. Each REPORT is read as ``luoshi decompose``
reads it (.txt in any supported encoding, .docx, .pdf). Decomposition runs with unit suggestion
against the catalog (default: the bundled Haixi catalog). jieba's dictionary load is warmed up
first and not counted.

Prints chars/s for both, the peak memory of one decomposition (tracemalloc peak and the process's
ru_maxrss before jieba is loaded) and ends with one line of ``key=value`` figures, where
``ratio`` = luoshi time ÷ jieba time (target ≤ 0.1).
"""

from __future__ import annotations

import argparse
import gc
import logging
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a clean clone, uninstalled

from luoshi.text import Catalog, Unit, decompose, load_units
from luoshi.text.assign import Suggester
from luoshi.text.readers import read_report

DATA_DIR = Path(__file__).resolve().parents[1] / "luoshi" / "data"
SAMPLE = DATA_DIR / "haixi-2023-report-part2.txt"
CATALOG = DATA_DIR / "haixi-units.csv"
DEFAULT_CHARS = 20_000


def default_text(chars: int = DEFAULT_CHARS) -> str:
    """The sample repeated, whole copies, until it is about ``chars`` characters long."""
    sample = SAMPLE.read_text(encoding="utf-8").strip()
    copies = [sample]
    while sum(len(c) for c in copies) + 2 * (len(copies) - 1) < chars:
        copies.append(sample)
    return "\n\n".join(copies)


FIFTY_UNITS = Catalog(
    (
        *load_units(CATALOG).units,
        Unit("海西州气象局", "州气象局"),
        Unit("国家税务总局海西州税务局", "州税务局"),
        Unit("海西州总工会", "州总工会", "organization"),
        Unit("海西州妇女联合会", "州妇联", "organization"),
        Unit("中共海西州纪律检查委员会", "州纪委监委", "party"),
    )
)


def suggestions_per_second(texts, seconds: float) -> float:
    """Suggestions for every task of the input, with theme and section, against 50 units."""
    work = [
        (task.text, theme.title, section.title)
        for _, text in texts
        for _, section, theme, task in decompose(text).tasks()
    ]
    suggester = Suggester(FIFTY_UNITS)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text, theme, section in work:
            suggester.suggest(text, theme=theme, section=section)
        count += len(work)
    return count / (time.perf_counter() - started)


def timed_runs(function, seconds: float, min_runs: int = 5) -> list[float]:
    """Run ``function`` for about ``seconds`` (at least ``min_runs`` times); each run's seconds."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < seconds:
        begin = time.perf_counter()
        function()
        times.append(time.perf_counter() - begin)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="*", help="report files (default: the bundled sample, ~20,000 chars)")
    parser.add_argument("--units", default=str(CATALOG), help="unit catalog CSV (default: the bundled one)")
    parser.add_argument("--seconds", type=float, default=2.0, help="time spent on each measurement")
    args = parser.parse_args(argv)

    try:
        import jieba
    except ImportError:
        print("jieba 未安装: pip install jieba (它是速度基准, 不是运行依赖)", file=sys.stderr)
        return 2
    jieba.setLogLevel(logging.WARNING)

    if args.reports:
        texts = [(path, read_report(path)) for path in args.reports]
    else:
        texts = [(f"{SAMPLE.name}, repeated", default_text())]
    units = load_units(args.units)
    chars = sum(len(text) for _, text in texts)

    def run_luoshi():
        for _, text in texts:
            decompose(text, units=units)

    def run_jieba():
        for _, text in texts:
            jieba.lcut(text)

    # warm up, then measure decomposition alone (jieba not yet in memory)
    tasks = {name: len(list(decompose(text, units=units).tasks())) for name, text in texts}
    peak = 0
    for _, text in texts:
        gc.collect()
        tracemalloc.start()
        decompose(text, units=units)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    luoshi_times = timed_runs(run_luoshi, args.seconds)
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    jieba.initialize()  # the dictionary load is not counted
    run_jieba()
    jieba_times = timed_runs(run_jieba, args.seconds)

    luoshi_s = statistics.median(luoshi_times)
    jieba_s = statistics.median(jieba_times)
    luoshi_rate = chars / luoshi_s
    jieba_rate = chars / jieba_s
    ratio = luoshi_s / jieba_s
    peak_mb = peak / (1024 * 1024)

    for name, text in texts:
        print(f"input: {name}: {len(text)} chars, {tasks[name]} tasks")
    print(f"units: {args.units} ({len(units)} units)")
    print(f"luoshi decompose: {luoshi_s * 1000:.1f} ms per pass ({len(luoshi_times)} runs), {luoshi_rate:,.0f} chars/s")
    print(f"jieba lcut:       {jieba_s * 1000:.1f} ms per pass ({len(jieba_times)} runs), {jieba_rate:,.0f} chars/s")
    print(f"memory: tracemalloc peak of one decomposition {peak_mb:.1f} MB; ru_maxrss {maxrss_mb:.1f} MB")
    print(f"ratio (luoshi time / jieba time): {ratio:.3f} (target <= 0.1)")
    per_s = suggestions_per_second(texts, args.seconds)
    print(f"suggestions: {per_s:,.0f} per second with a {len(FIFTY_UNITS)}-unit catalog (target >= 20,000)")
    print(
        f"ratio={ratio:.3f} decompose_chars_per_s={luoshi_rate:.0f} jieba_chars_per_s={jieba_rate:.0f} "
        f"peak_mb={peak_mb:.2f} suggestions_per_s={per_s:.0f} "
        f"decompose_ms={luoshi_s * 1000:.2f} jieba_ms={jieba_s * 1000:.2f} "
        f"maxrss_mb={maxrss_mb:.1f} chars={chars}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
