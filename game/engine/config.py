"""Settings of one run of the game, as given on the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

INPUTS = ("auto", "keyboard", "sim", "camera", "ble")
DEFAULT_VOLUME = 70  # percent


SEXES = ("female", "male")


@dataclass(frozen=True, slots=True)
class PlayerBody:
    """What the player told about themself for this run, used on screen only and never stored:
    ``age_y`` sets the heart-rate maximum (Tanaka 2001, :class:`HeartProfile.for_age`), and age,
    ``mass_kg`` and ``sex`` together allow the Keytel 2005 energy estimate on the results."""

    age_y: float | None = None
    mass_kg: float | None = None
    sex: str | None = None  # one of SEXES
    #: Resting heart rate (beats/min), the base of heart-rate reserve (Karvonen); None: 60.
    hr_rest_bpm: float | None = None


@dataclass(frozen=True, slots=True)
class AppConfig:
    mode: str = "runner"  # a registered mode's name (game.engine.modes)
    level: str | None = None  # name in levels/ or a path; None: choose in the menu
    input: str = "auto"
    headless: bool = False
    fullscreen: bool = False
    seconds: float | None = None  # stop after this long (unattended runs)
    db: Path | None = None  # None: the user data folder
    player: str = "player"
    size: tuple[int, int] = (1280, 720)
    seed: int = 0
    sim_fitness: str = "typical"  # the simulated player's fitness: a sensors.sim.FITNESS_VO2MAX key
    camera: int | str | None = None  # webcam index or a video file standing in for one
    model: str = "lite"  # pose model: lite, full or a path
    sensors_file: Path | None = None  # Bluetooth allow-list; None: sensors.yaml in the user config folder
    fps_cap: int = 60
    update_hz: int = 120
    players: int = 1  # people side by side in front of one camera, one zone of the picture each (1 or 2)
    lang: str = "en"  # fi, en or sv (game.i18n); the command line defaults it from the locale
    volume: int = DEFAULT_VOLUME  # 0..100 (game.audio)
    muted: bool = False
    pick_mode: bool = False  # the menu opens on the list of games (no --mode and no --level given)
    screenshots: Path | None = None  # save a PNG every few seconds and at each scene change here
    body: PlayerBody | None = None  # --age, --weight, --sex, --rest

    @property
    def autoplay(self) -> bool:
        """Menus and results move on by themselves: demos, fair stands, unattended runs.

        A headless game has nobody in front of a screen to choose, so it starts by itself too
        (a session recorded from real sensors with no display). The keyboard is the exception:
        a headless keyboard game is driven by keys posted to it."""
        return self.input == "sim" or (self.headless and self.input != "keyboard")
