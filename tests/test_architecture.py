"""The package's layers: lower layers never import upper ones, and no two modules import each
other (docs/architecture.md). Read from the source with ast, imports inside functions included."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "qualcode"
# Each layer may import itself and the layers before it.
LAYERS = [
    {"errors", "progress", "cache"},
    {"io"},
    {"language", "embed"},
    {"codebook"},
    {"coding"},
    {"scale"},
    {"learn", "discover", "reports"},
    {"workspace"},
    {"api"},
    {"cli", "__main__", "__init__"},
]


def _layer(part):
    return next(index for index, names in enumerate(LAYERS) if part in names)


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).with_suffix("")
        yield ".".join(("qualcode",) + relative.parts).removesuffix(".__init__"), path


def _imports(path, module):
    """The qualcode modules ``path`` imports, at the top and inside functions."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("qualcode")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.startswith("qualcode"):
                found.add(base)
    return found


def _top(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@pytest.mark.parametrize("module, path", list(_modules()), ids=lambda value: str(value))
def test_no_module_imports_an_upper_layer(module, path):
    own = _layer(_top(module))
    upper = sorted(name for name in _imports(path, module)
                   if name != "qualcode" and _layer(_top(name)) > own)
    assert not upper, f"{module} (layer {own}) imports {upper}"


def test_no_import_cycles_between_modules():
    modules = dict(_modules())
    packages = {module for module, path in modules.items() if path.name == "__init__.py"}
    graph = {module: {name for name in _imports(path, module) if name in modules and name not in packages}
             for module, path in modules.items() if module not in packages}
    cycles = sorted((a, b) for a in graph for b in graph[a] if a < b and a in graph.get(b, ()))
    assert not cycles, f"modules that import each other: {cycles}"
