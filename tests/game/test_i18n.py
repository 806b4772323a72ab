"""Strings files: every key in every language with the same fields, strict reading, fallbacks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from game import i18n
from game.i18n import LANGUAGES, StringsError, format_fields, language_from_env, load_catalog, parse_strings, tr


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")
    i18n.reload()


@pytest.mark.parametrize("folder", sorted(i18n.strings_folders()), ids=lambda f: f or "core")
def test_every_key_is_in_every_language_with_the_same_fields(folder: str) -> None:
    where = {folder: i18n.strings_folders()[folder]}
    files = sorted(f.name for f in where[folder].iterdir() if f.name.endswith(".yaml"))
    if folder and not files:
        pytest.skip(f"{where[folder]} holds no strings yet")
    assert files == [f"{lang}.yaml" for lang in sorted(LANGUAGES)], f"{where[folder]}: one file per language, got {files}"
    catalogs = {lang: load_catalog(lang, where) for lang in LANGUAGES}
    reference = catalogs["en"]
    assert reference, f"no English strings in {where[folder]}"
    for lang, cat in catalogs.items():
        missing = sorted(set(reference) - set(cat))
        extra = sorted(set(cat) - set(reference))
        assert not missing, f"{lang}: keys missing in {where[folder]}: {missing}"
        assert not extra, f"{lang}: keys not in English in {where[folder]}: {extra}"
        for key, text in cat.items():
            assert text.strip(), f"{lang}: {key} is empty"
            assert format_fields(text) == format_fields(reference[key]), f"{lang}: {key} fills other fields than English"


def test_mode_strings_are_looked_up_under_the_mode_name() -> None:
    folders = i18n.strings_folders()
    for mode in folders:
        if not mode:
            continue
        keys = load_catalog("en", {mode: folders[mode]})
        if not keys:
            continue  # a mode whose strings are not written yet (the test above names it)
        assert all(k.startswith(f"{mode}.") for k in keys)
        key = next(iter(keys))
        assert tr(key) != key


def test_language_switch_and_fields() -> None:
    assert tr("results.score", score=120) == "Score 120"
    i18n.set_language("fi")
    assert tr("results.score", score=120) == "Pisteet 120"
    i18n.set_language("sv")
    assert tr("results.score", score=120) == "Poäng 120"
    with pytest.raises(ValueError, match="choose one of en, fi, sv"):
        i18n.set_language("de")


def test_a_missing_key_falls_back_to_english_and_is_logged_once(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    en, fi = tmp_path / "en.yaml", tmp_path / "fi.yaml"
    en.write_text('a:\n  only_en: "English {n}"\n  both: "Both"\n')
    fi.write_text('a:\n  both: "Molemmat"\n')
    i18n._catalogs["en"] = load_catalog("en", {"": tmp_path})
    i18n._catalogs["fi"] = load_catalog("fi", {"": tmp_path})
    i18n.set_language("fi")
    with caplog.at_level(logging.WARNING, logger="liike.i18n"):
        assert tr("a.both") == "Molemmat"
        assert tr("a.only_en", n=2) == "English 2"
        assert tr("a.only_en", n=3) == "English 3"
        assert tr("a.nowhere") == "a.nowhere"
        assert tr("a.nowhere") == "a.nowhere"
        assert tr("a.only_en") == "English {n}"  # a field not given: shown as written, never a crash
    messages = [r.getMessage() for r in caplog.records]
    assert messages.count("no fi text for 'a.only_en': showing English") == 1
    assert messages.count("no text for 'a.nowhere' in any language") == 1
    assert sum("cannot be filled in" in m for m in messages) == 1


def test_strings_are_read_strictly_naming_file_line_and_key() -> None:
    with pytest.raises(StringsError) as info:
        parse_strings('menu:\n  start: "Go"\n  start: "Again"\n', "fi.yaml")
    assert str(info.value) == "fi.yaml:3: menu.start: duplicate key (first given on line 2)"
    with pytest.raises(StringsError) as info:
        parse_strings("menu:\n  ok: yes\n", "sv.yaml")
    assert str(info.value) == "sv.yaml:2: menu.ok: must be text, got bool True (put it in quotes)"
    with pytest.raises(StringsError) as info:
        parse_strings('menu:\n  bad: "{unclosed"\n', "en.yaml")
    assert str(info.value).startswith("en.yaml:2: menu.bad: not a valid text with fields")
    with pytest.raises(StringsError) as info:
        parse_strings('"two words": "x"\n', "en.yaml")
    assert "a key is letters, digits and _ only" in str(info.value)
    with pytest.raises(StringsError):
        parse_strings("- a\n- b\n", "en.yaml")
    assert parse_strings('a: {b: {c: "deep"}}\n') == {"a.b.c": "deep"}


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "fi_FI.UTF-8"}, "fi"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "sv_FI@euro"}, "sv"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({}, "en"),
        ({"LC_ALL": "sv_SE", "LANG": "fi_FI"}, "sv"),
        ({"LC_MESSAGES": "fi_FI", "LANG": "sv_SE"}, "fi"),
        ({"LC_ALL": "", "LANG": "fi_FI"}, "fi"),
        ({"LC_ALL": "POSIX", "LANG": "fi_FI"}, "en"),
    ],
)
def test_language_from_the_locale(env: dict[str, str], lang: str) -> None:
    assert language_from_env(env) == lang


def test_format_fields() -> None:
    assert format_fields("{a} and {b:.1f} and {{literal}}") == {"a", "b"}
    assert format_fields("none") == set()


def test_a_broken_strings_file_stops_play_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.cli import main

    for lang in LANGUAGES:
        (tmp_path / f"{lang}.yaml").write_text('menu:\n  title: "LIIKE"\n')
    (tmp_path / "sv.yaml").write_text('menu:\n  title: "LIIKE"\n  title: "igen"\n')
    monkeypatch.setattr(i18n, "strings_folders", lambda: {"": tmp_path})
    i18n.reload()
    assert main(["play", "--headless", "--input", "keyboard", "--db", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"liike: {tmp_path / 'sv.yaml'}:3: menu.title: duplicate key (first given on line 2) (fix the strings file)"
