"""Heart-zone drawing helpers: gauge labels keep clear of the target frame, and the menu picture
survives pygame being restarted in one process."""

from __future__ import annotations

import pygame

from game.modes.heartzone import MODE
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
