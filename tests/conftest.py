"""Shared fixtures: the bundled sample report, its unit catalog and its expected decomposition.

Only plain-Python fixtures live here; Django fixtures belong in their own files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import luoshi

DATA_DIR = Path(luoshi.__file__).parent / "data"
SAMPLE_PATH = DATA_DIR / "haixi-2023-report-part2.txt"
CATALOG_PATH = DATA_DIR / "haixi-units.csv"
GOLD_PATH = Path(__file__).parent / "data" / "haixi-2023-part2.gold.json"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE_PATH


@pytest.fixture(scope="session")
def sample_text() -> str:
    return SAMPLE_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_catalog_path() -> Path:
    return CATALOG_PATH


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads(GOLD_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def make_docx():
    """Build a .docx from paragraphs (str) and tables (a list of rows of cell texts); returns bytes."""

    def build(*blocks) -> bytes:
        import io

        import docx

        document = docx.Document()
        for block in blocks:
            if isinstance(block, str):
                document.add_paragraph(block)
                continue
            table = document.add_table(rows=len(block), cols=len(block[0]))
            for row, cells in zip(table.rows, block, strict=True):
                for cell, text in zip(row.cells, cells, strict=True):
                    cell.text = text
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return build
