"""Running the kiosk in-process on a virtual clock (faster than real time), small and slow-framed
so a minute of kiosk time costs a few seconds, recording which screen showed when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.engine.config import AppConfig
from game.engine.modes import get_mode
from game.kiosk.app import KioskApp
from game.kiosk.config import KioskConfig
from game.kiosk.run import run_kiosk
from game.kiosk.runtime import Kiosk
from game.modes import register_builtin_modes


@dataclass
class Trace:
    """The screens shown, as (kiosk seconds when it came up, scene class name), in order."""

    screens: list[tuple[float, str]] = field(default_factory=list)

    def names(self) -> list[str]:
        return [name for _, name in self.screens]


def kiosk_run(
    tmp_path: Path,
    seconds: float,
    *,
    kcfg: KioskConfig | None = None,
    games: tuple[str, ...] = ("runner",),
    input: str = "sim",
    seed: int = 0,
    on_frame: Callable[[KioskApp], None] | None = None,
    **run_kw: Any,
) -> tuple[dict[str, Any], Kiosk, Trace]:
    """The run's JSON report, the kiosk's state and the screens shown; ``run_kw``: further
    keyword arguments of :func:`run_kiosk`."""
    register_builtin_modes()
    cfg = AppConfig(
        input=input, headless=True, seconds=seconds, db=tmp_path / "sessions.sqlite", size=(320, 180),
        fps_cap=20, update_hz=60, seed=seed,
    )  # fmt: skip
    trace = Trace()
    t0: list[float] = []

    def watch(app: KioskApp) -> None:
        now = app.loop.now()
        if not t0:
            t0.append(now)
        name = type(app.top).__name__
        if not trace.screens or trace.screens[-1][1] != name:
            trace.screens.append((now - t0[0], name))
        if on_frame is not None:
            on_frame(app)

    result, kiosk = run_kiosk(
        cfg, kcfg or KioskConfig(round_s=10), [get_mode(g) for g in games], fast=True, on_frame=watch, **run_kw
    )
    return result, kiosk, trace
