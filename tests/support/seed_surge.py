"""Seed a throwaway database with the synthetic month-end ledger of ``tests.support.loadgen`` and write
the API tokens and task ids to a JSON file. A script of the benchmarks and the crash tests, run in the
server's environment (DATABASE_URL, LUOSHI_DATA_DIR, ...) from the checkout:

    python -m tests.support.seed_surge --units 300 --tasks 5 --out seed.json

``tests.support.harness.seed_surge`` runs it for you."""

from __future__ import annotations

import argparse
import json
import os


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--government", default="压测州")
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=5, help="tasks per unit")
    parser.add_argument("--out", required=True, help="JSON file for the tokens and task ids")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    from tests.support.loadgen import seed

    data = seed(government=args.government, units=args.units, tasks_per_unit=args.tasks)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False)
    print(f"units={args.units} tasks={args.units * args.tasks} period={data['period']} out={args.out}")


if __name__ == "__main__":
    main()
