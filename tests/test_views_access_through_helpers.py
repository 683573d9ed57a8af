"""Views decide no access themselves: the app's selectors do, in one style.

`get_X_for_user` answers 404 (recorded in the audit log) for something of a school the person has
no role in, its `…_for_edit` twin answers 403 to someone who may read but not change it, and
`tenancy.selectors.get_la_for_user(request, perm)` answers 403 on the LA's own pages. A view calls
them; it never raises PermissionDenied nor branches on `has_perm`. It may still ask `has_perm` for
what the page offers (`"can_edit": …`), which decides no access.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIEW_MODULES = sorted(
    str(path.relative_to(ROOT))
    for pattern in ("*/views.py", "*/*/views.py", "*/*_views.py")
    for path in ROOT.glob(pattern)
    if path.parts[len(ROOT.parts)] not in ("tests", ".venv", "node_modules")
)


def access_decisions(module: str) -> list[str]:
    tree = ast.parse((ROOT / module).read_text(), filename=module)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "PermissionDenied":
            found.append(f"{module}:{node.lineno} PermissionDenied")
        if isinstance(node, ast.If | ast.While | ast.Assert):
            for inner in ast.walk(node.test):
                if isinstance(inner, ast.Attribute) and inner.attr == "has_perm":
                    found.append(f"{module}:{inner.lineno} branches on has_perm")
        if isinstance(node, ast.FunctionDef) and node.name.startswith("_require"):
            found.append(f"{module}:{node.lineno} {node.name}")
    return found


def test_every_views_module_is_found():
    assert {"accounts/views.py", "schools/views.py", "priorities/plan/views.py", "reports/national_views.py"} <= set(
        VIEW_MODULES
    )


@pytest.mark.parametrize("module", VIEW_MODULES)
def test_views_leave_access_decisions_to_the_selectors(module):
    assert access_decisions(module) == [], "use the app's get_…_for_user / …_for_edit helpers"
