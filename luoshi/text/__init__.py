"""luoshi.text — the decomposition engine. Pure Python: never imports Django.

``decompose(text, *, units=None, year=None) -> Document``; ``load_units(path) -> Catalog``;
``suggest_units(text, units, ...) -> Responsibility`` (``.leads``, ``.co_units``).
"""

from typing import TYPE_CHECKING

from .model import Document, InputError, Part, Section, Suggestion, Target, Task, Theme
from .units import Catalog, Unit, load_units

if TYPE_CHECKING:  # imported on first use (below); type checkers see them here
    from .assign import suggest_units
    from .pipeline import decompose

__all__ = [
    "Catalog",
    "Document",
    "InputError",
    "Part",
    "Section",
    "Suggestion",
    "Target",
    "Task",
    "Theme",
    "Unit",
    "decompose",
    "load_units",
    "suggest_units",
]


def __getattr__(name: str) -> object:  # lazy: keeps `import luoshi.text.model` light and avoids import cycles
    if name == "decompose":
        from .pipeline import decompose

        return decompose
    if name == "suggest_units":
        from .assign import suggest_units

        return suggest_units
    raise AttributeError(name)
