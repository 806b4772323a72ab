"""Fuzzing the YAML files a user edits through the real commands, in-process: mutated levels
through ``liike levels list`` and ``liike play --level FILE``, mutated allow-lists through
``liike sensors list --sensors FILE``, mutated key and motion bindings through the loader the
game starts with (no command takes another bindings file).

Every case must end with exit 0, or exit 2 and ``liike:`` lines naming the file, never a
traceback; a level that loads must have a title that can be drawn. ``make fuzz`` runs many more
examples (``LIIKE_FUZZ_EXAMPLES``).
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pygame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main
from game.input.bindings import DEFAULT_BINDINGS, BindingsError, load_bindings
from game.render.text import TextCache
from sensors.settings import fuzz_examples

FUZZ = settings(max_examples=fuzz_examples() or 40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

LEVEL = (Path(__file__).resolve().parents[3] / "levels" / "runner" / "meadow.yaml").read_text(encoding="utf-8")
BINDINGS = DEFAULT_BINDINGS.read_text(encoding="utf-8")
ALLOW_LIST = """sensors:
  - address: "A0:9E:1A:12:34:56"
    label: "Strap 1"
    mode: broadcast
  - address: "E0:11:22:00:00:02"
    placement: waist
"""

#: What a mutation puts in: YAML syntax, odd scalars, and text no font draws.
TOKENS = st.sampled_from(
    [
        ":", ": ", "\n", "\n  ", "- ", "[", "]", "{", "}", ",", "'", '"', "&a ", "*a", "!!python/object:os.system ",
        "<<: ", "#", "|", ">", "---", "1e308", "-1", "0", ".nan", "~", "yes", "\\0", "\\ud800", "\\x85", '"\\0"',
        '"\\ud800"', '"\\x85"', "\u202e", "name: x\n", "mode: runner\n", "difficulty: 9\n", "obstacles: []\n",
    ]
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few cuts, insertions and duplicated lines."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "cut", "dup"]))
        if kind == "insert":
            text = text[:at] + draw(st.one_of(TOKENS, st.text(max_size=6))) + text[at:]
        elif kind == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                lines.insert(i, lines[i])
                text = "".join(lines)
    return text


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def ends_cleanly(code: int, err: str, path: Path) -> None:
    assert "Traceback" not in err
    assert code in (0, 2), (code, err)
    for line in err.splitlines():
        assert line.startswith("liike: "), err
    if code == 2:
        assert str(path) in err, err


@FUZZ
@given(text=mutated(LEVEL))
def test_mutated_levels_load_or_are_named(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "runner").mkdir()
        level = root / "runner" / "mutated.yaml"
        level.write_text(text, encoding="utf-8", errors="surrogatepass")
        with contextlib.ExitStack() as stack:
            stack.enter_context(_levels_dir(root))
            code, out, err = run(["levels", "list", "--json"])
        assert "Traceback" not in err and code in (0, 2), (code, err)
        if code == 0 and json.loads(out):
            (row,) = json.loads(out)
            # A title that loads can be drawn (the menu draws it every frame).
            pygame.font.init()
            assert TextCache().render(row["title"], 24, (255, 255, 255)).get_width() > 0
        else:
            assert str(level) in err, err
        code, out, err = run(["play", "--level", str(level), "--headless", "--seconds", "0.1", "--db", str(root / "s.db")])
        if code != 0:
            ends_cleanly(code, err, level)


@FUZZ
@given(text=mutated(ALLOW_LIST))
def test_mutated_allow_lists_read_or_are_named(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sensors.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        code, out, err = run(["sensors", "list", "--json", "--sensors", str(path)])
        ends_cleanly(code, err, path)
        if code == 0:
            rows = json.loads(out)
            assert all({"address", "label", "mode", "placement", "adapter"} == row.keys() for row in rows)


@FUZZ
@given(text=mutated(BINDINGS))
def test_mutated_bindings_load_or_are_named(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bindings.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            bindings = load_bindings(path)
        except BindingsError as exc:
            message = str(exc)
            assert message.splitlines() == [message] and message.startswith(str(path)), message
        else:
            assert all(a.name for a in bindings.actions.values()) and bindings.crouch_release < bindings.crouch_hold


@contextlib.contextmanager
def _levels_dir(root: Path) -> Iterator[None]:
    import os

    old = os.environ.get("LIIKE_LEVELS_DIR")
    os.environ["LIIKE_LEVELS_DIR"] = str(root)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("LIIKE_LEVELS_DIR", None)
        else:
            os.environ["LIIKE_LEVELS_DIR"] = old


def test_titles_that_cannot_be_drawn_are_refused_at_load(tmp_path: Path) -> None:
    (tmp_path / "runner").mkdir()
    for i, title in enumerate(['"\\0 nul"', '"\\ud800"', '"two\\nlines"', '"a\\x85b"']):
        level = tmp_path / "runner" / f"t{i}.yaml"
        level.write_text(LEVEL.replace('name: "Meadow"', f"name: {title}"), encoding="utf-8")
        code, out, err = run(["play", "--level", str(level), "--headless", "--seconds", "0.1", "--db", str(tmp_path / "s.db")])
        assert code == 2 and err.count("\n") == 1 and f"{level}:" in err and ": name: " in err, (title, err)
