"""The project's own modules import each other in one direction: storage ← bot ← handlers, with no circle.

Every `.py` file under bot/, handlers/ and storage/ is parsed with `ast`, and every import counts —
module-level, inside functions, under `if TYPE_CHECKING:` — because a function-level import is how a
circle gets hidden. Relative imports and `from bot import ids` resolve to the module they name.
Nothing is imported: the checks read source, so a broken module cannot mask a bad edge.

Also checked: `bot.messages` stays a set of pure builders, and only `bot.slack` (under `bot.deliver`)
and the Slack-facing infrastructure call the Web API (STYLE.md, "one outcome, one way out to Slack").
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict, deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "storage")

# The only module of bot/ allowed to import handlers/: it builds the Bolt app and registers the listeners.
COMPOSITION_ROOT = "bot.app"

# What a Block Kit builder may import from the project (standard and third-party libraries are free).
MESSAGES_MAY_IMPORT = ("bot.messages", "bot.i18n", "bot.ids", "storage.models")

# Web API methods, as slack_sdk's WebClient spells them.
WEB_API_METHODS = frozenset(
    {
        "auth_test",
        "auth_revoke",
        "apps_connections_open",
        "chat_postMessage",
        "chat_postEphemeral",
        "chat_update",
        "chat_delete",
        "conversations_open",
        "users_info",
        "users_lookupByEmail",
        "files_upload_v2",
        "files_getUploadURLExternal",
        "files_completeUploadExternal",
        "views_open",
        "views_push",
        "views_update",
        "views_publish",
    }
)
# Files allowed to call the Web API: the one Slack module, and Slack-facing infrastructure (the stand-in
# and the demo, which play Slack's part, and the app's start-up).
WEB_API_ALLOWED = (
    "bot/slack.py",
    "bot/slack_double/",
    "bot/demo/",
    "bot/app.py",
)


@dataclass(frozen=True)
class Import:
    """One edge of the graph: `source` imports `target` at `path:line`."""

    source: str
    target: str
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def module_name(path: Path) -> str:
    """`bot/messages/status.py` → `bot.messages.status`; `bot/__init__.py` → `bot`."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files() -> dict[str, Path]:
    """Module name → file, for every module of the three packages."""
    return {
        module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
    }


def imported_modules(tree: ast.AST, module: str, is_package: bool, modules: Mapping[str, object]):
    """Every project module an import anywhere in `tree` names, with the import's line.

    `from a.b import c` targets the module `a.b.c` if there is one, else `a.b` (`c` is a name in it);
    `import a.b.c` targets `a.b.c`. Libraries are left out.
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names
            ]
        else:
            continue
        for name in names:
            target = resolve(name, modules)
            if target is not None:
                yield target, node.lineno


def resolve(name: str, modules: Mapping[str, object]) -> str | None:
    """The longest prefix of `name` that is a project module, or None for a library."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def build_graph() -> tuple[dict[str, Path], list[Import]]:
    files = project_files()
    imports: set[Import] = set()
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        relative = path.relative_to(ROOT).as_posix()
        for target, line in imported_modules(tree, module, path.name == "__init__.py", files):
            if target != module:
                imports.add(Import(module, target, relative, line))
    return files, sorted(imports, key=lambda i: (i.path, i.line, i.target))


FILES, IMPORTS = build_graph()


def adjacency(imports: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for edge in imports:
        graph[edge.source].add(edge.target)
    return graph


def strongly_connected_components(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; only the components that hold a cycle, each sorted."""
    nodes = sorted(set(graph) | {t for targets in graph.values() for t in targets})
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    components.append(sorted(component))
    return sorted(components)


def shortest_cycle_through(start: str, graph: Mapping[str, set[str]], within: set[str]) -> list[str]:
    """Breadth-first, inside one component: `start -> ... -> start`."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(graph.get(node, ())):
            if child not in within:
                continue
            if child == start:
                chain = [node]
                while chain[-1] != start:
                    chain.append(previous[chain[-1]])
                return [*reversed(chain), start]
            if child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError(f"{start} is in a component but on no cycle")


def find_cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each module caught in a circle, duplicates (rotations) removed."""
    cycles: list[list[str]] = []
    seen: set[frozenset[tuple[str, str]]] = set()
    for component in strongly_connected_components(graph):
        for module in component:
            cycle = shortest_cycle_through(module, graph, set(component))
            key = frozenset(itertools.pairwise(cycle))
            if key not in seen:
                seen.add(key)
                cycles.append(cycle)
    return cycles


def is_in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def offenders(imports: list[Import]) -> str:
    return "\n".join(f"  {edge.where}: {edge.source} imports {edge.target}" for edge in imports)


# The finder itself, on graphs whose answer is known: a test that could not fail would prove nothing.


def test_cycle_finder_reports_each_circle_of_a_synthetic_graph():
    graph = {
        "a": {"b"},
        "b": {"c", "d"},
        "c": {"a"},
        "d": {"e"},
        "e": set(),
        "x": {"y"},
        "y": {"x"},
        "s": {"s"},
    }

    assert strongly_connected_components(graph) == [["a", "b", "c"], ["s"], ["x", "y"]]
    assert find_cycles(graph) == [["a", "b", "c", "a"], ["s", "s"], ["x", "y", "x"]]
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_relative_and_from_package_imports_resolve_to_the_module_they_name():
    modules = {"bot": 0, "bot.ids": 0, "bot.messages": 0, "bot.messages.kit": 0, "storage.models": 0}
    source = (
        "from . import kit\n"
        "from .. import ids\n"
        "from ..ids import ACTION\n"
        "def later():\n"
        "    from storage.models import Role\n"
        "    import slack_sdk\n"
    )
    found = imported_modules(ast.parse(source), "bot.messages.status", is_package=False, modules=modules)

    assert {target for target, _ in found} == {"bot.messages.kit", "bot.ids", "storage.models"}
    assert "bot.messages.kit" in FILES and "bot.ids" in FILES  # the real tree was read


# The project's own graph.


def test_project_modules_import_each_other_without_any_circle():
    graph = adjacency(IMPORTS)
    where: dict[tuple[str, str], str] = {}
    for edge in IMPORTS:
        where.setdefault((edge.source, edge.target), edge.where)
    components = strongly_connected_components(graph)
    lines = []
    for component in components:
        lines.append(f"  circle of {len(component)} modules: {', '.join(component)}")
        for cycle in find_cycles({m: graph[m] & set(component) for m in component}):
            lines.append("    " + " -> ".join(cycle))
            lines.append("        " + ", ".join(where[pair] for pair in itertools.pairwise(cycle)))
    assert not components, f"{len(components)} import circle(s) among the project's modules:\n" + "\n".join(
        lines
    )


def test_storage_imports_nothing_from_bot_or_handlers():
    bad = [
        edge
        for edge in IMPORTS
        if is_in(edge.source, "storage") and (is_in(edge.target, "bot") or is_in(edge.target, "handlers"))
    ]
    assert not bad, f"storage/ must know nothing of the bot or Slack:\n{offenders(bad)}"


def test_bot_imports_handlers_only_from_the_composition_root():
    bad = [
        edge
        for edge in IMPORTS
        if is_in(edge.source, "bot") and edge.source != COMPOSITION_ROOT and is_in(edge.target, "handlers")
    ]
    assert not bad, f"only {COMPOSITION_ROOT} may import handlers/:\n{offenders(bad)}"


def test_message_builders_import_no_feature_module():
    bad = [
        edge
        for edge in IMPORTS
        if is_in(edge.source, "bot.messages")
        and not any(is_in(edge.target, allowed) for allowed in MESSAGES_MAY_IMPORT)
    ]
    assert not bad, (
        f"bot/messages/ may import only {', '.join(MESSAGES_MAY_IMPORT)} from the project:\n{offenders(bad)}"
    )


def web_api_calls() -> Iterator[str]:
    for path in FILES.values():
        relative = path.relative_to(ROOT).as_posix()
        if not relative.startswith(("bot/", "handlers/")) or relative.startswith(WEB_API_ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in WEB_API_METHODS
            ):
                yield f"  {relative}:{node.lineno}: {ast.unparse(node.func)}(...)"


def test_only_the_delivery_module_calls_the_web_api():
    calls = sorted(web_api_calls(), key=lambda line: (line.split(":")[0], int(line.split(":")[1])))
    assert not calls, (
        f"{len(calls)} Web API call(s) outside bot/slack.py and the Slack-facing infrastructure "
        f"(return an Outcome and let bot.deliver send it):\n" + "\n".join(calls)
    )


@pytest.mark.parametrize("allowed", WEB_API_ALLOWED)
def test_web_api_allow_list_names_existing_files(allowed):
    assert (ROOT / allowed).exists(), f"{allowed} is allowed to call the Web API but does not exist"
