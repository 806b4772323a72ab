"""Players cannot leave the kiosk; staff can, with the key chord and the PIN. Keys drive the
cycle too (for testing, and for staff without a camera)."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.kiosk.app import KioskApp
from game.kiosk.config import KioskConfig
from game.kiosk.pin import hash_pin
from tests.game.kiosk.kiosk_runs import kiosk_run

PIN = "2468"
PIN_HASH = hash_pin(PIN)


def key(name: str, mod: int = 0, unicode: str = "") -> None:
    code = pygame.key.key_code(name)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod, unicode=unicode, scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=code, mod=mod, unicode=unicode, scancode=0))


def chord() -> None:
    key("a", pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT, "\x01")


def typed(text: str) -> None:
    for ch in text:
        key(ch, 0, ch)
    key("return")


class Script:
    """Posts events at given frames and notes the top screen at each frame."""

    def __init__(self, plan: dict[int, list[object]]) -> None:
        self.plan = plan
        self.tops: dict[int, str] = {}
        self.volume: dict[int, int] = {}

    def __call__(self, app: KioskApp) -> None:
        n = app.stats.frames
        self.tops[n] = type(app.top).__name__
        self.volume[n] = app.ctx.sound.volume
        for action in self.plan.get(n, []):
            action()  # type: ignore[operator]


def test_escape_closing_the_window_and_f11_do_not_leave_the_kiosk_and_staff_quit_with_the_pin(tmp_path: Path) -> None:
    script = Script({
        5: [lambda: key("escape"), lambda: pygame.event.post(pygame.event.Event(pygame.QUIT)), lambda: key("f11")],
        10: [chord],
        15: [lambda: typed("1357")],  # a wrong PIN
        20: [lambda: typed(PIN)],
        25: [lambda: key("=", 0, "+")],  # volume up
        30: [lambda: key("escape")],  # back to the game
        35: [chord],
        40: [lambda: typed(PIN)],
        45: [lambda: key("q", 0, "q")],
    })  # fmt: skip
    result, kiosk, _ = kiosk_run(
        tmp_path, 60.0, kcfg=KioskConfig(admin_pin_hash=PIN_HASH, volume=50), input="keyboard", on_frame=script
    )
    tops = script.tops
    assert tops[9] == "AttractScene"  # Esc, the close button and F11 changed nothing
    assert tops[12] == "PinScene" and tops[17] == "PinScene"  # a wrong PIN keeps it closed
    assert tops[22] == "AdminScene"
    assert script.volume[27] == 60
    assert tops[32] == "AttractScene"
    assert tops[42] == "AdminScene"
    assert kiosk.exit_action == "quit" and result["exit_action"] == "quit"
    assert result["seconds"] < 5.0  # it ended on the staff's word, not at the 60 s limit


def test_the_chord_without_a_pin_hash_in_the_file_opens_nothing(tmp_path: Path) -> None:
    script = Script({5: [chord], 10: [lambda: typed(PIN)]})
    _, kiosk, _ = kiosk_run(tmp_path, 1.0, kcfg=KioskConfig(), input="keyboard", on_frame=script)
    shown = set(script.tops.values())
    assert "PinScene" not in shown and "AdminScene" not in shown and kiosk.exit_action is None


def test_three_wrong_pins_close_the_pin_screen(tmp_path: Path) -> None:
    script = Script({5: [chord], 8: [lambda: typed("1111")], 11: [lambda: typed("2222")], 14: [lambda: typed("3333")]})
    kiosk_run(tmp_path, 1.0, kcfg=KioskConfig(admin_pin_hash=PIN_HASH), input="keyboard", on_frame=script)
    assert script.tops[7] == "PinScene" and script.tops[16] == "AttractScene"


def test_keys_play_a_round_and_nobody_pressing_anything_goes_back_to_attract(tmp_path: Path) -> None:
    script = Script({5: [lambda: key("return")], 30: [lambda: key("right")], 35: [lambda: key("return")]})
    result, _, trace = kiosk_run(
        tmp_path, 30.0, kcfg=KioskConfig(round_s=10, nobody_s=3), games=("runner",), input="keyboard", on_frame=script
    )
    names = trace.names()
    assert names[:4] == ["AttractScene", "ChooseScene", "RoundScene", "AttractScene"], names
    assert result["walkups"] == 1 and result["abandoned"] == 1
    # With nobody in view and no key pressed, the round ends after nobody_s (3 s) of kiosk time.
    t_round = next(t for t, n in trace.screens if n == "RoundScene")
    t_back = [t for t, n in trace.screens if n == "AttractScene"][1]
    assert 2.9 <= t_back - t_round <= 3.5
