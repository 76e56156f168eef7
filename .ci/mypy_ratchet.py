"""mypy with no regressions: run mypy on the package and compare its errors with the baseline.

    python .ci/mypy_ratchet.py            # fails on any error not in .ci/mypy-baseline.txt
    python .ci/mypy_ratchet.py --update   # write the baseline anew (only ever to shrink it)

An error is compared without its line number (file, message and code), so moving code does not
count as a regression; a second occurrence of the same error in a file does. The engine
(``luoshi/text``) is checked in strict mode and has an empty baseline.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
LINE = re.compile(r"^(?P<file>[^:\s]+\.py):\d+(?::\d+)?: error: (?P<message>.*)$")


def errors() -> collections.Counter[str]:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "luoshi"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    found: collections.Counter[str] = collections.Counter()
    for line in run.stdout.splitlines():
        match = LINE.match(line)
        if match:
            found[f"{match['file']}: {match['message']}"] += 1
    if run.returncode not in (0, 1) or (run.returncode == 1 and not found):
        sys.exit(f"mypy did not run: {run.stdout[-2000:]}{run.stderr[-2000:]}")
    return found


def main() -> int:
    found = errors()
    if "--update" in sys.argv:
        BASELINE.write_text("".join(f"{e}\n" for e in sorted(found.elements())), encoding="utf-8")
        print(f"mypy baseline: {sum(found.values())} errors written")
        return 0
    known = collections.Counter(BASELINE.read_text(encoding="utf-8").splitlines()) if BASELINE.exists() else {}
    new = found - collections.Counter(known)
    fixed = collections.Counter(known) - found
    for error in sorted(new.elements()):
        print(f"new: {error}")
    print(
        f"mypy: {sum(found.values())} errors, {sum(new.values())} new, {sum(fixed.values())} fixed since the baseline"
    )
    if fixed and not new:
        print("mypy: errors were fixed; shrink the baseline with `python .ci/mypy_ratchet.py --update`")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
