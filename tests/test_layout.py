"""The engine's layout: no module imports another in a cycle (imports inside
functions count: they only hide one), no module over 300 lines, no folder over
20 modules, and nothing of the app (streamlit, plotly, ui) in the engine."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "neuronlab"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path) -> set[str]:
    """Every neuronlab module `name` imports, at any depth of its code."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            # `from a import b` depends on module a.b where b is one, else on a.
            found |= {
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            }
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imported(name, path) for name, path in MODULES.items()}


def cycle_through(start: str) -> list[str] | None:
    """A path start -> ... -> start in GRAPH, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in GRAPH[node]:
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_itself_through_others(name):
    assert cycle_through(name) is None, " -> ".join(cycle_through(name))


def test_the_cycle_finder_finds_a_cycle():
    """The check above can fail: a made-up cycle is found (and a chain is not)."""
    saved = dict(GRAPH)
    try:
        GRAPH["neuronlab.config"] = {"neuronlab.dynamics.run"}
        assert cycle_through("neuronlab.config") is not None
        GRAPH["neuronlab.config"] = set()
        assert cycle_through("neuronlab.config") is None
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


def test_modules_and_folders_stay_small():
    long = {n: len(p.read_text().splitlines()) for n, p in MODULES.items()}
    assert {n: lines for n, lines in long.items() if lines > 300} == {}
    folders = {}
    for path in MODULES.values():
        folders.setdefault(path.parent, []).append(path)
    assert max(len(files) for files in folders.values()) <= 20


def test_the_engine_imports_nothing_of_the_app():
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                tops = {n.split(".")[0] for n in names}
                assert not tops & {"streamlit", "plotly", "ui", "views", "core"}, name
