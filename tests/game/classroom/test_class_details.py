"""Tile notes that fit the tile, every strap's full status one key away, advice logged once."""

from __future__ import annotations

import logging

import pygame
import pytest

from game.classroom.board import ClassBoard, split_status
from game.classroom.screen import ClassScene, details_lines, draw_board
from game.input.bindings import load_bindings
from game.render.text import ELLIPSIS, TextCache, wrap
from sensors.ble.allowlist import AllowedSensor
from sensors.motion.heart_zones import HeartProfile
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample

ADVICE = (
    "The Bluetooth adapter holds no more connections (typically 5-7): disconnect a sensor, add a second "
    "adapter, or read heart rates from broadcasts instead."
)
ADDRESSES = [f"E0:11:22:00:01:{i + 1:02X}" for i in range(24)]


def slot_status(i: int, address: str, t_ns: int = 1_000_000_000) -> DeviceStatus:
    message = f"Strap {i + 1}: {address}: failed to connect to {address}: CONNECTION_LIMIT_EXCEEDED_ERROR (0x09): {ADVICE}"
    return DeviceStatus(t_ns, address, "heart_rate", DeviceState.DISCONNECTED, message)


def class_of_24() -> ClassBoard:
    """7 straps connected, 17 refused for want of connection slots, then retrying."""
    board = ClassBoard([AllowedSensor(a, f"Strap {i + 1}") for i, a in enumerate(ADDRESSES)], HeartProfile(60, 200))
    items: list = []
    for i, address in enumerate(ADDRESSES):
        if i < 7:
            items.append(HeartRateSample(1_000_000_000, address, 110 + i, contact=True))
        else:
            items.append(slot_status(i, address))
            items.append(
                DeviceStatus(1_100_000_000, address, "heart_rate", DeviceState.SEARCHING, f"Strap {i + 1}: reconnecting (try 2)")
            )
    board.ingest(items)
    return board


@pytest.fixture
def fonts() -> TextCache:
    pygame.font.init()
    return TextCache()


def test_status_messages_split_into_what_happened_and_what_to_do() -> None:
    what, advice = split_status(slot_status(7, ADDRESSES[7]).message)
    assert advice == ADVICE and what.startswith("E0:11:22:00:01:08: failed to connect") and what.endswith("(0x09)")
    assert split_status("Strap 1: reconnecting (try 2)") == ("reconnecting (try 2)", "")


def test_wrap_breaks_between_words_and_ends_after_a_whole_word(fonts: TextCache) -> None:
    font = fonts.font(17)
    words = ADVICE.split()
    for width in (120, 190, 260, 400):
        lines = wrap(font, ADVICE, width, 3)
        assert 1 <= len(lines) <= 3 and all(font.size(line)[0] <= width for line in lines)
        shown = " ".join(lines).removesuffix(ELLIPSIS).split()
        assert shown == words[: len(shown)], lines  # whole words, in order
        if len(shown) < len(words):
            assert lines[-1].endswith(ELLIPSIS) and not lines[-1].endswith(" " + ELLIPSIS)
    assert wrap(font, ADVICE, 10_000, 3) == [ADVICE]


def test_tiles_keep_the_advice_while_the_link_retries_and_show_it_within_the_tile(
    fonts: TextCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = class_of_24()
    tiles = board.tiles(1_500_000_000)
    refused = [t for t in tiles if t.problem]
    assert len(refused) == 17 and all(t.note == ADVICE for t in refused)
    assert all("CONNECTION_LIMIT_EXCEEDED_ERROR" in t.detail and "reconnecting (try 2)" in t.detail for t in refused)

    drawn: list[tuple[str, pygame.Rect]] = []
    draw = TextCache.draw

    def spy(self: TextCache, target: pygame.Surface, text: str, *args: object, **kwargs: object) -> pygame.Rect:
        rect = draw(self, target, text, *args, **kwargs)  # type: ignore[arg-type]
        drawn.append((text, rect))
        return rect

    monkeypatch.setattr(TextCache, "draw", spy)
    screen = pygame.Surface((1280, 720))
    draw_board(screen, fonts, tiles)
    advice_words = ADVICE.split()
    note_lines = [(text, rect) for text, rect in drawn if text.split()[0] in advice_words and "MVPA" not in text]
    assert len(note_lines) % 17 == 0 and 2 <= len(note_lines) // 17 <= 3
    tile_w = 1280 // 6
    assert all(rect.w <= tile_w - 24 for _, rect in note_lines)  # within the tile's inner width
    per_tile = [
        " ".join(t for t, _ in note_lines[i : i + len(note_lines) // 17])
        for i in range(0, len(note_lines), len(note_lines) // 17)
    ]
    for text in per_tile:
        shown = text.removesuffix(ELLIPSIS).split()
        whole = advice_words[: len(shown)]
        # never cut inside a word (punctuation before the ellipsis may go)
        assert shown[:-1] == whole[:-1] and shown[-1].rstrip(",;:.") == whole[-1].rstrip(",;:.")
    assert any("Tab or D" in text for text, _ in drawn)


def test_details_list_each_advice_once_and_every_strap_in_full(fonts: TextCache) -> None:
    board = class_of_24()
    lines = [text for text, _ in details_lines(board.tiles(1_500_000_000))]
    assert sum(ADVICE in line for line in lines) == 1
    assert any(line.startswith("17 straps (Strap 8, Strap 9") for line in lines)
    for i, address in enumerate(ADDRESSES):
        [line] = [line for line in lines if line.startswith(f"Strap {i + 1}: ")]
        assert (address in line) == (i >= 7)
    screen = pygame.Surface((1280, 720))
    draw_board(screen, fonts, board.tiles(1_500_000_000), details=True)  # draws without error


def test_tab_or_d_toggles_the_details_and_esc_closes_them_first() -> None:
    bindings = load_bindings()
    assert set(bindings.actions["details"].keys) >= {"tab", "d"}

    class Ctx:
        clock = staticmethod(lambda: 0)

    class Frame:
        def __init__(self, *pressed: str) -> None:
            self.pressed = set(pressed)

    scene = ClassScene.__new__(ClassScene)
    scene.ctx = Ctx()  # type: ignore[assignment]
    scene.board = class_of_24()
    scene.details = False
    scene.time_s = 0.0
    assert scene.update(Frame("details"), 0.05) is None and scene.details  # type: ignore[arg-type]
    assert scene.update(Frame("back"), 0.05) is None and not scene.details  # type: ignore[arg-type]
    assert scene.update(Frame("back"), 0.05) is not None


def test_the_same_advice_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="liike.class"):
        board = class_of_24()
        board.ingest([slot_status(9, ADDRESSES[9], 3_000_000_000)])
    advice = [r for r in caplog.records if r.name == "liike.class"]
    assert len(advice) == 1 and ADVICE in advice[0].getMessage() and "Strap 8" in advice[0].getMessage()


def test_a_notice_takes_a_strip_above_the_tiles_and_hides_none(fonts: TextCache) -> None:
    from game.render.palette import ACCENT, ZONE_COLOURS

    tiles = class_of_24().tiles(1_200_000_000)
    plain = pygame.Surface((1920, 1080))
    draw_board(plain, fonts, tiles)
    noticed = pygame.Surface((1920, 1080))
    draw_board(noticed, fonts, tiles, notice="2 lessons older than 30 days were deleted")
    strip = max(16, 1080 // 30) * 18 // 10
    assert noticed.get_at((40, strip // 2))[:3] == ACCENT[:3]  # the strip, across the top
    assert plain.get_at((40, strip // 2))[:3] != ACCENT[:3]
    # the first tile (a live heart rate) begins below the strip, whole: its colour just under it
    band = tiles[0].band
    assert band is not None and noticed.get_at((40, strip + 12))[:3] == ZONE_COLOURS[band][:3]
