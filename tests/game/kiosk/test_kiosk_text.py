"""The kiosk's texts exist in every language it offers, and nicknames come from the word lists."""

from __future__ import annotations

import random

import pytest

from game.i18n import format_fields
from game.kiosk.config import KIOSK_LANGUAGES
from game.kiosk.text import Nickname, catalog, ktr, words


@pytest.mark.parametrize("lang", KIOSK_LANGUAGES)
def test_every_key_is_in_every_language_with_the_same_fields(lang: str) -> None:
    reference, texts = catalog("en"), catalog(lang)
    assert set(texts) == set(reference)
    for key, text in texts.items():
        assert format_fields(text) == format_fields(reference[key]), key


def test_a_lookup_fills_fields_and_falls_back_to_english() -> None:
    assert ktr("fi", "score.points", score=120) == "120 pistettä"
    assert ktr("xx", "board.today") == "Today"


@pytest.mark.parametrize("lang", KIOSK_LANGUAGES)
def test_nicknames_change_by_word_and_wrap_around(lang: str) -> None:
    nick = Nickname.random(lang, random.Random(3))
    w = words(lang)
    first = nick.text
    assert first.split(" ")[0] in w.adjectives and first.split(" ", 1)[1] in w.animals
    for _ in range(len(w.adjectives)):
        nick.next_adjective()
    assert nick.text == first
    nick.next_animal()
    assert nick.text != first and nick.text.split(" ")[0] == first.split(" ")[0]
