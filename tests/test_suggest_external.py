"""Suggestions on published assignments of real governments we did not write (tests/data/assignments).

Measured with benchmarks/suggest_external.py: untuned, lead top-1 0.962 and co-units 0.333 / 0.016
(precision / recall); after, lead 1.000 and co-units 0.714 / 0.079. The floors sit just under."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.suggest_external import Figures, governments, measure


def test_at_least_two_governments_of_different_levels_are_measured():
    names = [name for name, _, _ in governments()]
    assert len(names) >= 2
    assert any(n.endswith("-city") for n in names) and any(n.endswith(("-county", "-district")) for n in names)


def test_suggestions_hold_the_measured_floor():
    total = Figures()
    for _, rows, catalog in governments():
        total.add(measure(rows, catalog))
    assert total.rows >= 26
    assert total.lead_accuracy >= 0.96
    assert total.co_precision >= 0.7
    assert total.co_recall >= 0.07
