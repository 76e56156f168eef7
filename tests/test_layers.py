"""The package's layers form a DAG: a module imports only from its own layer or the layers below.

Standard library only (``ast``), so it runs before anything is installed and cannot be fooled by
an import that happens to succeed. The order is the one docs/architecture.md explains:

    text → errors → audit → accounts → reports → tasks → tracking → proposals → projects → dashboards → public → ops → access → web

The *web* layer is each app's pages and wiring (views, urls, forms, admin, context processors,
management commands) plus the API and the command line. Web modules rank among themselves by
their app, so the ledger's pages never reach up into tracking's pages.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "luoshi"

DOMAIN = [
    "luoshi.text",
    "luoshi.errors",
    "luoshi.audit",
    "luoshi.accounts",
    "luoshi.reports",
    "luoshi.tasks",
    "luoshi.tracking",
    "luoshi.proposals",
    "luoshi.projects",
    "luoshi.dashboards",
    "luoshi.public",
    "luoshi.ops",
    "luoshi.access",
]
WEB_PARTS = {"views", "urls", "forms", "admin", "context_processors", "management"}
# Whole modules of the web layer that wire every app together: they rank above all apps.
TOP = {"luoshi.api", "luoshi.urls", "luoshi.webcli", "luoshi.cli", "luoshi.wsgi", "luoshi.settings", "luoshi.formats"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _app_rank(module: str) -> int:
    for rank, prefix in enumerate(DOMAIN):
        if module == prefix or module.startswith(prefix + "."):
            return rank
    return len(DOMAIN)


def rank(module: str) -> tuple[int, int]:
    """(layer, app rank): domain modules are (0, app); web modules (1, app); TOP is (1, beyond every app)."""
    if module == "luoshi" or any(module == t or module.startswith(t + ".") for t in TOP):
        return (1, len(DOMAIN))
    is_web = any(part in WEB_PARTS for part in module.split(".")[2:])
    return (1 if is_web else 0, _app_rank(module))


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from luoshi.tracking import views`` imports the module luoshi.tracking.views
            for alias in node.names:
                sub = PACKAGE.parent.joinpath(*target.split("."), alias.name)
                is_module = sub.with_suffix(".py").exists() or sub.is_dir()
                found.append((node.lineno, f"{target}.{alias.name}" if is_module else target))
    return found


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, _module_name(path)


def test_no_module_imports_from_a_layer_above_its_own():
    upward = []
    for path, module in _sources():
        for line, target in _imports(path, module):
            if target.startswith("luoshi") and rank(target) > rank(module):
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} {module} → {target}")
    assert not upward, "imports that run upward:\n" + "\n".join(upward)


def _app(module: str) -> str | None:
    """The Django app (a package with ``apps.py``) or the engine a module belongs to."""
    parts = module.split(".")
    if (len(parts) > 1 and (PACKAGE / parts[1] / "apps.py").exists()) or parts[1:2] == ["text"]:
        return parts[1]
    return None


def test_the_apps_import_each_other_without_a_cycle():
    """Apps as nodes, pages and functions' imports included: no app reaches back to one that reaches it."""
    edges: dict[str, set[str]] = {}
    for path, module in _sources():
        source = _app(module)
        for _, target in _imports(path, module):
            app = _app(target) if target.startswith("luoshi.") else None
            if source and app and app != source:
                edges.setdefault(source, set()).add(app)
    cycles = []

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in edges.get(start, ())
        )

    for app, targets in sorted(edges.items()):
        cycles += [f"{app} → {t} → … → {app}" for t in sorted(targets) if reaches(t, app, {t})]
    assert not cycles, "apps that import each other:\n" + "\n".join(cycles)


def test_the_engine_imports_nothing_of_django_or_the_apps():
    foreign = []
    for path, module in _sources():
        if not module.startswith("luoshi.text"):
            continue
        for line, target in _imports(path, module):
            top = target.split(".")[0]
            if (
                top == "django"
                or top in {"ninja", "django_htmx"}
                or (top == "luoshi" and not target.startswith("luoshi.text"))
            ):
                foreign.append(f"{path.relative_to(PACKAGE.parent)}:{line} {target}")
    assert not foreign, "the engine must stay pure Python:\n" + "\n".join(foreign)


def test_the_layering_check_sees_an_upward_import(tmp_path):
    """The check itself can fail: a model module of tasks reaching into tracking is caught."""
    assert rank("luoshi.tracking.models") > rank("luoshi.tasks.models")
    assert rank("luoshi.tracking.views") > rank("luoshi.tasks.views.ledger")
    assert rank("luoshi.tasks.views.ledger") > rank("luoshi.tracking.models")
    assert rank("luoshi.access") > rank("luoshi.public.models")
    assert rank("luoshi.text.assign") < rank("luoshi.errors")
