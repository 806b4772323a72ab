"""Text cache: fonts opened from memory, the same text as pygame's default font, a bounded cache."""

from __future__ import annotations

import os
import sys

import pygame
import pytest

from game.render.text import TextCache, open_font


@pytest.fixture(autouse=True)
def fonts() -> None:
    pygame.font.init()


def test_a_font_from_memory_draws_what_the_default_font_draws() -> None:
    for size in (12, 33, 96):
        ours, theirs = open_font(size), pygame.font.Font(None, size)
        assert ours.get_height() == theirs.get_height()
        a = ours.render("Liike 42 ÄÖ", True, (255, 255, 255))
        b = theirs.render("Liike 42 ÄÖ", True, (255, 255, 255))
        assert pygame.image.tobytes(a, "RGBA") == pygame.image.tobytes(b, "RGBA")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="open descriptors read from /proc")
def test_many_sizes_leave_no_file_open() -> None:
    text = TextCache()
    before = len(os.listdir("/proc/self/fd"))
    for size in range(10, 120):
        text.font(size).size("Sininen ilves")
    assert len(os.listdir("/proc/self/fd")) <= before


def test_the_font_cache_keeps_the_recently_used_and_drops_the_oldest() -> None:
    text = TextCache(max_fonts=3)
    first = text.font(20)
    text.font(21)
    text.font(22)
    assert text.font(20) is first  # used again: now the most recent
    text.font(23)  # the fourth size drops the least recently used, 21
    assert text.font(20) is first
    assert len(text._fonts) == 3
    assert (21, False) not in text._fonts
