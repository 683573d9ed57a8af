"""Which way imports go: each app imports only the layers below it, so no two apps import each other.

The layers are written once, as an import-linter contract in pyproject.toml; deferred imports
inside functions count like any other.
"""

import os
import re
import tomllib
from pathlib import Path

from django.apps import apps
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_apps_import_only_the_layers_below_them(monkeypatch):
    monkeypatch.chdir(ROOT)
    # On failure the report above names each import that goes the wrong way, with its line.
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_every_package_of_the_project_has_its_layer():
    packages = {
        entry.name
        for entry in os.scandir(ROOT)
        if entry.is_dir() and (Path(entry.path) / "__init__.py").exists() and entry.name != "tests"
    }
    project_apps = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    (contract,) = CONFIG["contracts"]
    layered = [name for layer in contract["layers"] for name in re.split(r"[|:]", layer)]
    layered = [name.strip() for name in layered]
    assert sorted(layered) == sorted(set(layered)), "a package is in two layers"
    assert packages | project_apps <= set(layered), "put the new package in a layer of pyproject.toml"
    assert set(layered) == set(CONFIG["root_packages"])
