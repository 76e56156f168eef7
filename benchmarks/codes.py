"""Are a decomposition's codes unique, and are its tasks commitments? Per report, the figures.

    python benchmarks/codes.py [REPORT ...] [--save DIR]

Without REPORT it reads the bundled sample and, when the shared development corpus is beside the
checkout, its five national reports. Prints, per report, the number of tasks, the codes held by
more than one task, theme or section (a theme's code is ``part.section.theme``, a section's
``part.section``), and the tasks that read like a call to action or a statement of context rather
than a commitment. ``--save DIR`` writes each report's tasks (code and text) as JSON, to diff runs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a clean clone, uninstalled

from luoshi.text import decompose
from luoshi.text.model import Document
from luoshi.text.readers import read_report

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "luoshi" / "data" / "haixi-2023-report-part2.txt"
CORPUS = ROOT.parent / "shared" / "corpus"

# what an exhortation or a statement of context tends to say (a reader's check, not the engine's rule)
LOOKS_LIKE_EXHORTATION = re.compile(
    r"让我们(?!的)|我们要更加紧密|紧密团结在|团结带领|奋力谱写|努力奋斗|而不懈奋斗|而努力|共同奋斗|"
    r"^各位代表|是.{0,12}(?:关键|重要)(?:之年|时期|阶段)|形势.{0,10}(?:要求|需要)|(?:新时代|新征程)[^。]{0,20}是"
)


def reports(paths: list[str]) -> list[tuple[str, Path]]:
    if paths:
        return [(Path(p).stem, Path(p)) for p in paths]
    found = [("sample", SAMPLE)]
    found += [(p.stem, p) for p in sorted(CORPUS.glob("national-*.txt"))]
    return found


def figures(document: Document) -> dict:
    tasks = [task for *_, task in document.tasks()]
    themes: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    for part in document.parts:
        for section in part.sections:
            heads = {task.code.rsplit(".", 2)[0] for theme in section.themes for task in theme.tasks}
            sections.update(heads)
            for theme in section.themes:
                themes.update({task.code.rsplit(".", 1)[0] for task in theme.tasks})
    task_codes = Counter(task.code for task in tasks)
    return {
        "tasks": len(tasks),
        "duplicate_task_codes": sorted(c for c, n in task_codes.items() if n > 1),
        "duplicate_theme_codes": sorted(c for c, n in themes.items() if n > 1),
        "duplicate_section_codes": sorted(c for c, n in sections.items() if n > 1),
        "exhortations": [(t.code, t.text) for t in tasks if LOOKS_LIKE_EXHORTATION.search(t.text)],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("reports", nargs="*")
    parser.add_argument("--save", type=Path, help="write each report's tasks (code, text) as JSON here")
    args = parser.parse_args(argv)
    totals: Counter[str] = Counter()
    for name, path in reports(args.reports):
        document = decompose(read_report(str(path)))
        found = figures(document)
        print(
            f"{name}: tasks={found['tasks']} duplicate codes: tasks={len(found['duplicate_task_codes'])} "
            f"themes={len(found['duplicate_theme_codes'])} sections={len(found['duplicate_section_codes'])} "
            f"exhortation-like tasks={len(found['exhortations'])}"
        )
        for kind in ("task", "theme", "section"):
            codes = found[f"duplicate_{kind}_codes"]
            if codes:
                shown = " ".join(codes[:12]) + (" …" if len(codes) > 12 else "")
                print(f"  duplicate {kind} codes: {shown}")
        for code, text in found["exhortations"]:
            print(f"  exhortation? {code} {text[:70]}")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            tasks = [{"code": t.code, "text": t.text} for *_, t in document.tasks()]
            (args.save / f"{name}.json").write_text(json.dumps(tasks, ensure_ascii=False, indent=1), "utf-8")
        totals["tasks"] += found["tasks"]
        totals["duplicates"] += sum(len(found[f"duplicate_{k}_codes"]) for k in ("task", "theme", "section"))
        totals["exhortations"] += len(found["exhortations"])
    print(" ".join(f"{k}={v}" for k, v in totals.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
