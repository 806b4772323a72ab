"""Player-facing text in Finnish, English and Swedish: ``tr("menu.start")``.

Strings live in YAML files, one per language: the shared ones in ``game/strings/<lang>.yaml``,
a mode's own in ``game/modes/<mode>/strings/<lang>.yaml``, looked up as ``"<mode>.<key>"``.
Nested mappings become dotted keys (``menu: {start: ...}`` is ``menu.start``). A value is a
Python format string whose named fields (``"{score} points"``) are filled from ``tr``'s keyword
arguments; a literal brace is written twice (``{{``).

The files are read strictly (:mod:`sensors.config_yaml`: a duplicate key, an alias, a tag or a
value that is not text is an error naming the file, line and key). English is the reference:
a key missing in the chosen language falls back to English, and a key missing everywhere shows
as the key itself; either is logged once, never an exception in the middle of a game.

The language is chosen once per run (:func:`set_language`), from ``--lang`` or from the locale
(:func:`language_from_env`: ``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``, the order POSIX
gives them, IEEE Std 1003.1-2017 section 8.2); anything that is not Finnish or Swedish is English.
"""

from __future__ import annotations

import logging
import string
import threading
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from sensors.config_yaml import ConfigError, parse_document

log = logging.getLogger("liike.i18n")

#: The languages the game speaks; the first is the reference every other file is checked against.
LANGUAGES: tuple[str, ...] = ("en", "fi", "sv")
DEFAULT_LANGUAGE = "en"
#: Names of the languages in themselves, for menus and ``--help``.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "fi": "suomi", "sv": "svenska"}

_lock = threading.Lock()
_language = DEFAULT_LANGUAGE
_catalogs: dict[str, dict[str, str]] = {}
_warned: set[tuple[str, str]] = set()


class StringsError(ConfigError):
    """A strings file that cannot be used; ``str()`` is ``FILE:LINE: KEY: REASON``."""


# -- choosing the language ---------------------------------------------------------------------


def language_from_env(environ: Mapping[str, str]) -> str:
    """The game's language from the locale variables (``fi_FI.UTF-8`` -> ``fi``); English for
    anything else, for ``C`` and ``POSIX``, and when none is set."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var, "").strip()
        if value:  # the first one set decides, even if it names a language we lack
            code = value.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Speak ``lang`` (one of :data:`LANGUAGES`) from now on."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"no strings in language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _language = lang


def language() -> str:
    """The language being spoken."""
    return _language


# -- reading the files -------------------------------------------------------------------------


def parse_strings(source: str | bytes, path: str = "<string>") -> dict[str, str]:
    """The strings of one file as ``{dotted.key: text}``; :class:`StringsError` for anything
    else than nested mappings of text (a number or ``yes`` must be quoted to be text)."""
    try:
        doc = parse_document(source, path)
    except ConfigError as exc:
        raise StringsError(exc.path, exc.line, exc.field, exc.reason) from None
    if doc.is_empty:
        return {}
    if not isinstance(doc.data, dict):
        raise StringsError(path, doc.line_of(()), "<document>", "must be a mapping of keys to texts")
    out: dict[str, str] = {}

    def walk(node: dict[str, object], loc: tuple[str, ...]) -> None:
        for key, value in node.items():
            here = (*loc, key)
            dotted = ".".join(here)
            if not key or "." in key or not key.replace("_", "a").isalnum():
                raise StringsError(path, doc.line_of(here), dotted, "a key is letters, digits and _ only")
            if isinstance(value, dict):
                walk(value, here)
            elif isinstance(value, str):
                try:
                    list(string.Formatter().parse(value))
                except ValueError as exc:
                    raise StringsError(path, doc.line_of(here), dotted, f"not a valid text with fields: {exc}") from None
                out[dotted] = value
            else:
                got = "nothing" if value is None else f"{type(value).__name__} {value!r}"
                raise StringsError(path, doc.line_of(here), dotted, f"must be text, got {got} (put it in quotes)")

    walk(doc.data, ())
    return out


def format_fields(text: str) -> set[str]:
    """The named fields a text fills in (``"{score} points"`` -> ``{"score"}``)."""
    return {name.split(".", 1)[0].split("[", 1)[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def _read(file: Traversable) -> dict[str, str]:
    return parse_strings(file.read_bytes(), str(file))


def strings_folders() -> dict[str, Traversable]:
    """Every strings folder the game has: ``""`` for the shared one, a mode's name for its own."""
    game = resources.files("game")
    folders: dict[str, Traversable] = {"": game / "strings"}
    modes = game / "modes"
    if modes.is_dir():
        for entry in sorted(modes.iterdir(), key=lambda e: e.name):
            if entry.is_dir() and (entry / "strings").is_dir():
                folders[entry.name] = entry / "strings"
    return folders


def load_catalog(lang: str, folders: Mapping[str, Traversable | Path] | None = None) -> dict[str, str]:
    """Every string of ``lang``: the shared ones and each mode's (prefixed with its name)."""
    out: dict[str, str] = {}
    for prefix, folder in (folders if folders is not None else strings_folders()).items():
        file = folder / f"{lang}.yaml"
        if not file.is_file():
            continue
        for key, value in _read(file).items():
            out[f"{prefix}.{key}" if prefix else key] = value
    return out


def _catalog(lang: str) -> dict[str, str]:
    with _lock:
        cat = _catalogs.get(lang)
        if cat is None:
            cat = _catalogs[lang] = load_catalog(lang)
        return cat


def check_strings() -> None:
    """Read every language's strings now, so a broken file stops the program at start with its
    file, line and key (:class:`StringsError`) instead of in the middle of a game."""
    for lang in LANGUAGES:
        _catalog(lang)


def reload() -> None:
    """Forget the strings read so far (tests that change files; a language switch needs none)."""
    with _lock:
        _catalogs.clear()
        _warned.clear()


def _warn_once(kind: str, key: str, message: str, *args: object) -> None:
    if (kind, key) not in _warned:
        _warned.add((kind, key))
        log.warning(message, *args)


# -- looking up --------------------------------------------------------------------------------


def has_text(key: str) -> bool:
    """Whether ``key`` has a text (in English, hence in every language)."""
    return key in _catalog(DEFAULT_LANGUAGE)


def tr_or(key: str, default: str, **fields: object) -> str:
    """The text of ``key`` if there is one, else ``default`` as given (for names that come from
    a mode's data, such as its movements, which may or may not have a translation)."""
    return tr(key, **fields) if has_text(key) else default


def tr(key: str, **fields: object) -> str:
    """The text of ``key`` in the current language, with ``fields`` filled in.

    A key the language lacks comes in English; one English lacks too shows as the key itself.
    A field the text names but the caller did not give leaves the text unfilled. Each such
    problem is logged once.
    """
    lang = _language
    text = _catalog(lang).get(key)
    if text is None:
        text = _catalog(DEFAULT_LANGUAGE).get(key) if lang != DEFAULT_LANGUAGE else None
        if text is None:
            _warn_once("missing", key, "no text for %r in any language", key)
            return key
        _warn_once(lang, key, "no %s text for %r: showing English", lang, key)
    if not fields and "{" not in text:
        return text
    try:
        return text.format(**fields)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:
        _warn_once("format", key, "text %r cannot be filled in (%s): shown as written", key, exc)
        return text
