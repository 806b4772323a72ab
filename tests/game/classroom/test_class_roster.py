"""The class roster: CSV import errors by file, line and column, private storage, per-pupil
bands, and the age-predicted maximum a pupil exceeded kept only when the teacher confirms."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from game.classroom import roster
from game.classroom.board import ClassBoard
from game.classroom.roster import Pupil, Roster, RosterError, parse_csv
from game.classroom.screen import details_lines
from game.cli import main
from sensors.ble import allowlist
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import s_to_ns
from sensors.motion.heart_zones import HeartProfile, Intensity, hr_max_tanaka
from sensors.samples import HeartRateSample

A, B, C = "A0:00:00:00:00:01", "A0:00:00:00:00:02", "A0:00:00:00:00:03"
SENSORS = [AllowedSensor(A, "Strap 1"), AllowedSensor(B, "Strap 2"), AllowedSensor(C)]
CSV = Path("class.csv")


def error(text: str, names_ok: bool = False) -> RosterError:
    with pytest.raises(RosterError) as info:
        parse_csv(text, CSV, SENSORS, names_ok=names_ok)
    return info.value


def test_import_reads_aliases_straps_by_label_or_address_and_optional_columns() -> None:
    got = parse_csv("alias,strap,age,rest_bpm\n7,strap 1,12,68\nfox, a0:00:00:00:00:03 ,,\n\n", CSV, SENSORS)
    assert got.pupils == (Pupil("7", A, 12.0, 68.0), Pupil("fox", C))
    # columns in any order, without the optional ones
    assert parse_csv("strap,alias\nStrap 2,owl\n", CSV, SENSORS).pupils == (Pupil("owl", B),)


@pytest.mark.parametrize(
    ("text", "line", "column", "field", "words"),
    [
        ("alias,strap\n7,Strap 1\n8,Strap 1\n", 3, 2, "strap", "already worn by the pupil on line 2"),
        ("alias,strap\n7,Strap 9\n", 2, 2, "strap", "not on the allow-list"),
        ("alias,strap\n7,Strap 1\n7,Strap 2\n", 3, 1, "alias", "already on line 2"),
        ("alias\n7\n", 1, None, "strap", "missing column"),
        ("alias,strap,name\n7,Strap 1,x\n", 1, 3, "name", "unknown column"),
        ("alias,strap,age\n7,Strap 1,3\n", 2, 3, "age", "outside 5..100"),
        ("alias,strap,rest_bpm\n7,Strap 1,fast\n", 2, 3, "rest_bpm", "not a number"),
        ("alias,strap\n7\n", 2, 2, "strap", "missing value"),
        ("alias,strap\n,Strap 1\n", 2, 1, "alias", "empty"),
        ("", 1, None, None, "empty file"),
    ],
)
def test_import_errors_name_file_line_and_column(text: str, line: int, column: int | None, field: str | None, words: str) -> None:
    exc = error(text)
    assert (exc.path, exc.line, exc.column, exc.field) == ("class.csv", line, column, field)
    assert words in exc.reason
    assert str(exc).startswith(f"class.csv:{line}")


def test_an_alias_that_reads_like_a_name_needs_yes() -> None:
    exc = error("alias,strap\nMatti Virtanen,Strap 1\n")
    assert (exc.line, exc.column) == (2, 1) and "--yes" in exc.reason
    assert parse_csv("alias,strap\nMatti Virtanen,Strap 1\n", CSV, SENSORS, names_ok=True).pupils[0].alias == "Matti Virtanen"


def test_stored_readable_by_the_owner_only_and_a_loose_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "roster.json"
    r = Roster((Pupil("7", A, 12.0, None),))
    roster.save(r, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert roster.check_private(path) is None
    assert roster.load(path) == r
    stored = json.loads(path.read_text())
    assert set(stored["pupils"][0]) == {"alias", "address", "age", "rest_bpm", "max_bpm"}  # no names
    path.chmod(0o644)
    warning = roster.check_private(path)
    assert warning is not None and "chmod 600" in warning and str(path) in warning
    assert roster.clear(path) and not path.exists() and not roster.clear(path)
    assert roster.load(path) == Roster()


def test_a_damaged_roster_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "roster.json"
    path.write_text("{not json")
    with pytest.raises(RosterError, match="roster.json"):
        roster.load(path)


def test_each_pupil_gets_bands_from_their_own_age_and_rest() -> None:
    default = HeartProfile(hr_rest_bpm=60, hr_max_bpm=200)
    pupils = {A: Pupil("7", A, age=40.0, rest_bpm=80.0)}  # Tanaka at 40: 180 bpm
    board = ClassBoard(SENSORS, default, pupils=pupils)
    board.ingest([HeartRateSample(s_to_ns(1), A, 118, contact=True), HeartRateSample(s_to_ns(1), B, 118, contact=True)])
    tiles = {t.label: t for t in board.tiles(s_to_ns(1))}
    assert hr_max_tanaka(40) == 180
    assert tiles["7"].band == Intensity.LIGHT  # (118-80)/(180-80) = 38 % HRR
    assert tiles["Strap 2"].band == Intensity.MODERATE  # class default: (118-60)/(200-60) = 41 %
    assert tiles["7"].pct_max == round(100 * 118 / 180)
    summary = board.summary()["straps"]
    assert summary[0]["label"] == "7" and summary[0]["hr_max_bpm"] == 180 and summary[0]["hr_rest_bpm"] == 80
    assert summary[1]["label"] == "Strap 2" and summary[1]["hr_max_bpm"] == 200


def test_a_peak_above_the_age_predicted_maximum_is_kept_only_when_confirmed() -> None:
    kept: list[tuple[str, int]] = []
    pupil = Pupil("fox", A, age=20.0)  # Tanaka: 194 bpm
    board = ClassBoard(SENSORS, HeartProfile(), pupils={A: pupil}, on_keep_max=lambda p, bpm: kept.append((p.alias, bpm)))
    # one artefact beat of 230 among normal ones does not count as a peak
    for i, bpm in enumerate([180, 230, 185, 190]):
        board.ingest([HeartRateSample(s_to_ns(1 + i), A, bpm, contact=True)])
    assert board.tiles(s_to_ns(4))[0].over_max is None
    for i, bpm in enumerate([199, 201, 200]):
        board.ingest([HeartRateSample(s_to_ns(5 + i), A, bpm, contact=True)])
    tile = board.tiles(s_to_ns(7))[0]
    assert tile.over_max == 199 and tile.pct_max == round(100 * 200 / 194)
    lines = [line for line, _ in details_lines(board.tiles(s_to_ns(7)))]
    assert any(line.startswith("fox: ") and "199" in line for line in lines)
    assert kept == []  # nothing stored without the teacher
    assert board.keep_peaks() == [("fox", 199)]
    assert kept == [("fox", 199)]
    tile = board.tiles(s_to_ns(7))[0]
    assert tile.over_max is None and tile.pct_max == round(100 * 200 / 199)
    assert board.keep_peaks() == []


def test_set_max_bounds() -> None:
    r = Roster((Pupil("fox", A, age=20.0),))
    assert r.set_max("FOX", 201).pupils[0].max_bpm == 201
    assert not r.set_max("fox", 201).pupils[0].age_predicted
    with pytest.raises(KeyError):
        r.set_max("owl", 201)
    with pytest.raises(ValueError, match="outside"):
        r.set_max("fox", 300)


def test_roster_commands(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sensors_file = tmp_path / "sensors.yaml"
    monkeypatch.setenv(allowlist.ALLOWLIST_ENV, str(sensors_file))
    allowlist.save(SENSORS, sensors_file)
    csv_file = tmp_path / "class.csv"
    csv_file.write_text("alias,strap,age\n7,Strap 1,12\nAnna Virtanen,Strap 2,\n", encoding="utf-8")
    assert main(["class", "roster", "import", str(csv_file)]) == 2
    err = capsys.readouterr().err
    assert f"{csv_file}:3:1: alias:" in err and "--yes" in err
    assert not (tmp_path / "roster.json").exists()
    csv_file.write_text("alias,strap,age\n7,Strap 1,12\nowl,Strap 2,\n", encoding="utf-8")
    assert main(["class", "roster", "import", str(csv_file)]) == 0
    assert stat.S_IMODE((tmp_path / "roster.json").stat().st_mode) == 0o600
    capsys.readouterr()
    assert main(["class", "roster", "set-max", "7", "205"]) == 0
    assert main(["class", "roster", "set-max", "nobody", "205"]) == 2
    capsys.readouterr()
    (tmp_path / "roster.json").chmod(0o640)
    assert main(["class", "roster", "list"]) == 0
    out, err = capsys.readouterr()
    assert "7\tStrap 1\tmax 205 (confirmed)" in out and "owl\tStrap 2\tmax 200 (class default)" in out
    assert "chmod 600" in err
    assert main(["class", "roster", "clear"]) == 0
    assert not (tmp_path / "roster.json").exists()


def test_m_keeps_the_peaks_only_from_the_details_overlay() -> None:
    from game.classroom.screen import ClassScene
    from game.input.bindings import load_bindings

    assert "m" in load_bindings().actions["keep_max"].keys

    class Ctx:
        clock = staticmethod(lambda: s_to_ns(3))

    class Frame:
        def __init__(self, *pressed: str) -> None:
            self.pressed = set(pressed)

    board = ClassBoard(SENSORS, HeartProfile(), pupils={A: Pupil("fox", A, age=20.0)})
    board.ingest([HeartRateSample(s_to_ns(1 + i * 0.5), A, 200, contact=True) for i in range(3)])
    scene = ClassScene.__new__(ClassScene)
    scene.ctx = Ctx()  # type: ignore[assignment]
    scene.board = board
    scene.details = False
    scene.time_s = 0.0
    scene.update(Frame("keep_max"), 0.05)  # type: ignore[arg-type]
    assert board.tiles(s_to_ns(3))[0].over_max == 200  # not on the board itself
    scene.update(Frame("details"), 0.05)  # type: ignore[arg-type]
    scene.update(Frame("keep_max"), 0.05)  # type: ignore[arg-type]
    assert board.tiles(s_to_ns(3))[0].over_max is None
    kept = board.straps[A].pupil
    assert kept is not None and kept.max_bpm == 200
