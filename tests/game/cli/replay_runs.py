"""Short simulated sessions recorded on a virtual clock, for the replay and analysis tests."""

from __future__ import annotations

from pathlib import Path

from game.engine.config import AppConfig
from game.engine.modes import get_mode
from game.engine.run import run_game
from game.levels import list_levels


def record(db: Path, mode_name: str, seconds: float, seed: int = 3, players: int = 1) -> int:
    """A simulated headless session of ``mode_name`` on its first level for ``players``,
    ``seconds`` of virtual time from the start of the menu (which starts the level after
    2.5 s); its id."""
    mode = get_mode(mode_name)
    levels = [lv for lv in list_levels(mode_name)[0] if getattr(lv, "players", 1) == players]
    config = AppConfig(
        mode=mode_name,
        level=levels[0].name,
        input="sim",
        headless=True,
        seconds=seconds,
        db=db,
        player="tester",
        size=(320, 240),
        seed=seed,
        players=players,
        volume=0,
        muted=True,
    )
    result = run_game(config, mode, levels[:1], virtual_time=True)
    assert result["session_id"] is not None and not result.get("store_error"), result
    return int(result["session_id"])
