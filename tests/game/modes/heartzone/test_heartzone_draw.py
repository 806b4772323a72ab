"""Heart-zone drawing helpers: gauge labels keep clear of the target frame, and the menu picture
survives pygame being restarted in one process."""

from __future__ import annotations

import os
from pathlib import Path

import pygame
import pytest

from game.modes.heartzone import MODE, draw
from game.modes.heartzone.draw import _label_y


def test_gauge_label_keeps_clear_of_the_frame_edges() -> None:
    assert _label_y(100, 200, (0, 400), 20) == 150  # no edge inside: the middle
    assert _label_y(100, 200, (170, 400), 20) == 135  # the taller part above the edge
    assert _label_y(100, 200, (0, 120), 20) == 160  # the taller part below the edge
    assert _label_y(100, 130, (115, 400), 20) is None  # no part tall enough for a line


def test_menu_picture_after_pygame_restarts() -> None:
    for _ in range(2):
        pygame.display.init()
        pygame.font.init()
        surface = pygame.Surface((300, 200))
        MODE.draw_picture(surface, pygame.Rect(10, 10, 280, 180), 0.7)
        assert len(set(pygame.surfarray.array2d(surface).ravel().tolist())) > 8
        pygame.quit()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="lists open files through /proc")
def test_menu_picture_at_many_sizes_holds_no_font_file_open() -> None:
    # A kiosk runs for a season: each size asked for used to open pygame's font file and keep it.
    def font_files() -> int:
        return sum(1 for fd in os.listdir("/proc/self/fd") if _points_at_a_font(fd))

    pygame.display.init()
    pygame.font.init()
    try:
        before = font_files()
        for h in range(120, 400, 12):
            MODE.draw_picture(pygame.Surface((300, h + 20)), pygame.Rect(10, 10, 280, h), 0.7)
        assert font_files() == before
        assert len(draw._PICTURE_FONTS) <= 8
    finally:
        pygame.quit()


def _points_at_a_font(fd: str) -> bool:
    try:
        return os.readlink(f"/proc/self/fd/{fd}").endswith(".ttf")
    except OSError:
        return False
