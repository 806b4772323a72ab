"""The kiosk's own words: its screen texts in five languages and the nickname word lists.

The attract screen speaks several languages at once, so lookups here take the language as an
argument (:func:`ktr`) instead of the game's one current language (:mod:`game.i18n`, which the
kiosk sets to the player's language for the games' own texts when it has them). Texts are in
``game/kiosk/strings/<lang>.yaml`` (read like the game's strings: :func:`game.i18n.parse_strings`),
nickname words in ``game/kiosk/words/<lang>.yaml``. English is the reference: a key missing in a
language shows in English, and a test checks that none is missing.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Annotated

from pydantic import Field, StringConstraints

from game.i18n import parse_strings
from game.kiosk.config import KIOSK_LANGUAGES
from sensors.config_yaml import ConfigModel, parse_model

log = logging.getLogger("liike.kiosk")

#: The name of each language in itself, for the attract screen's language row.
LANGUAGE_NAMES = {"fi": "suomi", "en": "English", "sv": "svenska", "de": "Deutsch", "ru": "русский"}


@cache
def catalog(lang: str) -> dict[str, str]:
    """Every kiosk text of ``lang`` as ``{dotted.key: text}``."""
    file = resources.files("game.kiosk") / "strings" / f"{lang}.yaml"
    return parse_strings(file.read_bytes(), f"game/kiosk/strings/{lang}.yaml")


def ktr(lang: str, key: str, **fields: object) -> str:
    """The kiosk text ``key`` in ``lang`` (English when that language lacks it)."""
    text = catalog(lang).get(key) if lang in KIOSK_LANGUAGES else None
    if text is None:
        text = catalog("en").get(key, key)
    try:
        return text.format(**fields) if fields or "{" in text else text
    except (KeyError, IndexError, ValueError):
        return text


Word = Annotated[str, StringConstraints(min_length=1, max_length=14)]


class WordsFile(ConfigModel):
    """``game/kiosk/words/<lang>.yaml``: nickname words."""

    adjectives: Annotated[tuple[Word, ...], Field(min_length=4)]
    animals: Annotated[tuple[Word, ...], Field(min_length=4)]


@cache
def words(lang: str) -> WordsFile:
    file = resources.files("game.kiosk") / "words" / f"{lang}.yaml"
    return parse_model(file.read_bytes(), WordsFile, f"game/kiosk/words/{lang}.yaml")


@dataclass
class Nickname:
    """An adjective and an animal, by index into a language's word lists; the player changes
    either with a lean (:meth:`next_adjective`, :meth:`next_animal`)."""

    lang: str
    adjective: int
    animal: int

    @classmethod
    def random(cls, lang: str, rng: random.Random) -> Nickname:
        w = words(lang)
        return cls(lang, rng.randrange(len(w.adjectives)), rng.randrange(len(w.animals)))

    def next_adjective(self) -> None:
        self.adjective = (self.adjective + 1) % len(words(self.lang).adjectives)

    def next_animal(self) -> None:
        self.animal = (self.animal + 1) % len(words(self.lang).animals)

    @property
    def text(self) -> str:
        w = words(self.lang)
        return f"{w.adjectives[self.adjective]} {w.animals[self.animal]}"
