"""Cached text rendering: fonts and rendered strings are reused across frames."""

from __future__ import annotations

import io
from pathlib import Path

import pygame

from game.render.palette import Color

_FONT_BYTES: bytes | None = None


def default_font_bytes() -> bytes:
    """pygame-ce's bundled font file, read once. Fonts are opened from these bytes in memory: a
    font opened from its path keeps the file open (one descriptor per size, for as long as the
    font lives), which a game that runs for a season must not accumulate."""
    global _FONT_BYTES
    if _FONT_BYTES is None:
        _FONT_BYTES = (Path(pygame.__file__).parent / pygame.font.get_default_font()).read_bytes()
    return _FONT_BYTES


#: pygame opens its default font (``Font(None, size)``) at this fraction of the size asked for
#: (pygame-ce ``src_c/font.c``, ``font_init``); the same here, so text keeps its size.
DEFAULT_FONT_SCALE = 0.6875


def open_font(size: int) -> pygame.font.Font:
    """The bundled font as ``pygame.font.Font(None, size)`` opens it, but from memory: no file
    stays open."""
    return pygame.font.Font(io.BytesIO(default_font_bytes()), max(1, int(size * DEFAULT_FONT_SCALE)))


class TextCache:
    """Renders strings once per (text, size, colour) and keeps a bounded number of them; keeps at
    most ``max_fonts`` fonts (text fitted to a width asks for many sizes), the least recently used
    dropped first."""

    def __init__(self, max_items: int = 512, max_fonts: int = 32) -> None:
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._surfaces: dict[tuple[str, int, Color, bool], pygame.Surface] = {}
        self._max_items = max_items
        self._max_fonts = max_fonts

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        key = (size, bold)
        font = self._fonts.pop(key, None)
        if font is None:
            if len(self._fonts) >= self._max_fonts:
                del self._fonts[next(iter(self._fonts))]  # dicts keep insertion order: the oldest use
            font = open_font(size)  # pygame-ce's bundled font: no system fonts needed
            font.set_bold(bold)
        self._fonts[key] = font  # re-inserted: now the most recent
        return font

    def render(self, text: str, size: int, colour: Color, bold: bool = False) -> pygame.Surface:
        key = (text, size, colour, bold)
        surf = self._surfaces.get(key)
        if surf is None:
            if len(self._surfaces) >= self._max_items:
                self._surfaces.clear()
            surf = self.font(size, bold).render(text, True, colour)
            self._surfaces[key] = surf
        return surf

    def draw(
        self,
        target: pygame.Surface,
        text: str,
        size: int,
        colour: Color,
        pos: tuple[float, float],
        anchor: str = "topleft",
        bold: bool = False,
    ) -> pygame.Rect:
        surf = self.render(text, size, colour, bold)
        rect = surf.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
        target.blit(surf, rect)
        return rect


ELLIPSIS = "\u2026"


def wrap(font: pygame.font.Font, text: str, width: int, max_lines: int) -> list[str]:
    """``text`` in at most ``max_lines`` lines no wider than ``width`` pixels in ``font``, broken
    between words. What does not fit ends the last line with an ellipsis after a whole word; a
    word wider than a line on its own (an address) is broken where the line ends."""
    if max_lines < 1 or width < 1:
        return []
    lines: list[str] = []
    words = text.split()
    i = 0
    while i < len(words) and len(lines) < max_lines:
        line = words[i]
        if font.size(line)[0] > width:  # one word wider than the line: break it
            cut = _fits(font, line, width)
            lines.append(line[:cut])
            words[i] = line[cut:]
            continue
        i += 1
        while i < len(words) and font.size(f"{line} {words[i]}")[0] <= width:
            line = f"{line} {words[i]}"
            i += 1
        lines.append(line)
    if i < len(words):  # more than fits: shorten the last line to end in an ellipsis after a word
        last = lines[-1].split(" ")
        while len(last) > 1 and font.size(" ".join(last) + ELLIPSIS)[0] > width:
            last.pop()
        tail = " ".join(last)
        if font.size(tail + ELLIPSIS)[0] > width:
            tail = tail[: _fits(font, tail + ELLIPSIS, width) - 1]
        lines[-1] = tail.rstrip(",;:") + ELLIPSIS
    return lines


def _fits(font: pygame.font.Font, text: str, width: int) -> int:
    """How many leading characters of ``text`` fit in ``width`` pixels (at least 1)."""
    n = len(text)
    while n > 1 and font.size(text[:n])[0] > width:
        n -= 1
    return n
