"""No import cycles among kiosk's own modules (store, kiosk, screens).

The layers contract (pyproject's import-linter section) keeps the packages in order; this
keeps the modules inside each package in order too: a circle (the app importing the
unlock screen that imports the app back, two screens importing each other's dialogs)
means neither module can be read, tested or moved alone. Imports inside functions and
under ``TYPE_CHECKING`` count: they are dependencies all the same.
"""

from __future__ import annotations

import grimp
import pytest

PACKAGES = ("store", "kiosk", "screens")


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import each other round (Tarjan's strongly connected
    components with more than one module, or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    # iterative depth-first search: (module, its imports still to visit)
    work: list[tuple[str, list[str]]] = []

    def enter(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        work.append((module, sorted(graph.find_modules_directly_imported_by(module))))

    for root in sorted(graph.modules):
        if root in index:
            continue
        enter(root)
        while work:
            module, pending = work[-1]
            if pending:
                target = pending.pop()
                if target not in index:
                    enter(target)
                elif target in on_stack:
                    low[module] = min(low[module], index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                selfish = graph.direct_import_exists(importer=module, imported=module)
                if len(component) > 1 or selfish:
                    found.append(sorted(component))
    return found


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_no_module_imports_itself_round_a_circle(graph: grimp.ImportGraph) -> None:
    assert len(graph.modules) > 100  # the packages were found, not an empty graph
    assert cycles(graph) == []


def test_the_check_sees_a_circle(graph: grimp.ImportGraph) -> None:
    # the circle #17 broke: the app opens the unlock screen, which imported the app back
    assert graph.direct_import_exists(importer="screens.app", imported="screens.unlock")
    graph.add_import(importer="screens.unlock", imported="screens.app")
    try:
        assert ["screens.app", "screens.unlock"] in cycles(graph)
    finally:
        graph.remove_import(importer="screens.unlock", imported="screens.app")
    assert cycles(graph) == []
