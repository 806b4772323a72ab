"""The layers' import rules, checked on the source: arrows run one way.

cli -> modes -> engine -> input, levels, render, sessions -> sensors. ``sensors/`` never imports
``game`` or ``pygame``; the session store never imports pygame; nothing outside a mode's package
imports it; the product imports the Bluetooth emulation (and bumble) only behind the guarded
``--emulate`` flags of the command line.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imports(package: str) -> Iterator[tuple[Path, int, str]]:
    """(file, line, imported module) for every import in the package's source, lazy ones included."""
    for file in sorted((ROOT / package).rglob("*.py")):
        for line, module in file_imports(file):
            yield file, line, module


@functools.cache  # each file is parsed once, however many rules read it
def file_imports(file: Path) -> tuple[tuple[int, str], ...]:
    """(line, imported module) for every import in one source file."""
    found = []
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return tuple(found)


def offenders(package: str, banned: tuple[str, ...], allowed_in: tuple[str, ...] = ()) -> list[str]:
    found = []
    for file, line, module in imports(package):
        rel = file.relative_to(ROOT).as_posix()
        if any(rel.startswith(a) for a in allowed_in):
            continue
        if any(module == b or module.startswith(b + ".") for b in banned):
            found.append(f"{rel}:{line}: {module}")
    return found


def test_sensors_never_import_the_game_or_pygame() -> None:
    assert offenders("sensors", ("game", "pygame", "liike_emulation", "bumble")) == []


def test_the_store_never_imports_pygame() -> None:
    assert offenders("game/sessions", ("pygame",)) == []


def test_only_a_mode_and_the_composition_root_name_a_mode() -> None:
    modes = [p.name for p in (ROOT / "game" / "modes").iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    assert "runner" in modes
    for mode in modes:
        # The command line is the composition root: it may hand a mode's level to another screen
        # (the class board's heart-zone challenge).
        assert offenders("game", (f"game.modes.{mode}",), allowed_in=(f"game/modes/{mode}/", "game/cli/")) == [], mode
    # The engine and its shared scenes never reach for the modes package at all.
    for layer in ("game/engine", "game/scenes", "game/levels", "game/input", "game/render", "game/sessions"):
        assert offenders(layer, ("game.modes", "game.cli")) == [], layer


def test_the_product_imports_the_emulation_only_behind_the_guarded_flags() -> None:
    found = offenders("game", ("liike_emulation", "bumble"), allowed_in=("game/cli/",))
    assert found == []
