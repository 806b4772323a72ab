"""Per-player calibration: neutral stance, range of motion and heart-rate reference values.

Built by a pure function from a few seconds of samples (no clock, no I/O), frozen, and
serialisable to a plain dict for the session store.

- **Neutral stance** (image units, y down, x converted to y units with the picture's aspect,
  see :mod:`sensors.motion.pose_features`): floor line, standing hip height above the floor,
  trunk length (mid-shoulder to mid-hip), shoulder width and body height (floor to nose,
  divided by 0.925: the nose sits at ~92.5 % of standing height, Winter DA, Biomechanics and
  Motor Control of Human Movement, 4th ed. 2009, Fig. 4.1). Medians over the standing frames,
  so a few bad landmarks do not move them. These are the size units every pose threshold is
  relative to; they depend on where the player stands, so a calibration holds for one session.
- **Range of motion** (dimensionless, optional): the deepest squat as hip drop / standing hip
  height, and the highest reach as wrist height above the shoulders in trunk lengths, from
  frames of the player squatting as deep and reaching as high as they can.
- **Heart**: HRmax age-predicted by Tanaka, Monahan & Seals 2001 (208 - 0.7 age) unless a
  measured value is given; HRrest 60 beats/min unless measured (a typical adult resting rate;
  a measured one should be taken sitting or lying, at rest).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

from sensors.motion.heart_zones import HeartProfile, hr_max_tanaka
from sensors.motion.pose_features import L_SHOULDER, R_SHOULDER, PoseFeatures, extract_features
from sensors.samples import PoseFrame

#: Nose height as a share of standing body height (Winter 2009).
NOSE_HEIGHT_SHARE = 0.925
#: Resting heart rate assumed when none is measured (beats/min).
DEFAULT_HR_REST_BPM = 60.0
#: Fewest usable standing frames (about half a second of a 30 fps camera).
MIN_STANDING_FRAMES = 15
#: The hips may move at most this share of hip height over the standing frames.
MAX_STANDING_SPREAD = 0.06
SCHEMA = 1


class CalibrationError(ValueError):
    """The samples cannot give a calibration; the message says what the player should do."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """One player's calibration (see module docstring for units and sources)."""

    aspect_wh: float
    floor_y: float
    hip_height: float
    trunk_len: float
    shoulder_width: float
    body_height: float
    standing_frames: int
    hr_rest_bpm: float
    hr_max_bpm: float
    hr_rest_measured: bool
    hr_max_measured: bool
    age_y: float | None = None
    deepest_squat: float | None = None
    highest_reach: float | None = None

    @property
    def heart(self) -> HeartProfile:
        return HeartProfile(hr_rest_bpm=self.hr_rest_bpm, hr_max_bpm=self.hr_max_bpm)

    def depth(self, f: PoseFeatures) -> float:
        """Hip drop of a frame as a share of standing hip height (0 standing), nan if legs unseen."""
        return 1.0 - f.hip_height / self.hip_height if f.legs_ok else math.nan

    def depth_of_range(self, f: PoseFeatures) -> float:
        """Hip drop as a share of this player's deepest squat (1 = as deep as they go), nan if unknown."""
        if self.deepest_squat is None:
            return math.nan
        return self.depth(f) / self.deepest_squat

    def reach(self, f: PoseFeatures) -> float:
        """The lower wrist's height above its shoulder in standing trunk lengths (nan if unseen)."""
        return min(f.arm_raise_l, f.arm_raise_r) / self.trunk_len

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        if data.get("schema") != SCHEMA:
            raise ValueError(f"calibration schema {data.get('schema')!r} is not {SCHEMA}: calibrate again")
        names = {f.name for f in fields(cls)}
        missing = names - data.keys()
        if missing:
            raise ValueError(f"calibration lacks {', '.join(sorted(missing))}: calibrate again")
        return cls(**{k: data[k] for k in names})


def _shoulder_width(frame: PoseFrame, aspect_wh: float) -> float:
    lm = frame.landmarks
    return math.hypot(
        (float(lm[L_SHOULDER, 0]) - float(lm[R_SHOULDER, 0])) * aspect_wh, float(lm[L_SHOULDER, 1]) - float(lm[R_SHOULDER, 1])
    )


def build_calibration(
    standing: Sequence[PoseFrame],
    *,
    aspect_wh: float,
    movement: Sequence[PoseFrame] = (),
    age_y: float | None = None,
    hr_rest_bpm: float | None = None,
    hr_max_bpm: float | None = None,
) -> Calibration:
    """Calibration from frames of the player standing still (``standing``, a second or two,
    whole body in view) and optionally of them squatting as deep and reaching as high as they
    can (``movement``). ``age_y`` gives the Tanaka HRmax; measured ``hr_rest_bpm`` /
    ``hr_max_bpm`` override the defaults. Raises :class:`CalibrationError` with advice."""
    feats = [(fr, extract_features(fr, aspect_wh=aspect_wh)) for fr in standing]
    usable = [(fr, f) for fr, f in feats if f.legs_ok and f.shoulders_ok and f.hip_height > 0 and f.torso_len > 0]
    if len(usable) < MIN_STANDING_FRAMES:
        raise CalibrationError(
            f"only {len(usable)} frames show the whole body ({MIN_STANDING_FRAMES} needed): "
            "step back so the camera sees you from head to feet, and stand still"
        )
    hips = [f.hip_height for _, f in usable]
    hip_height = statistics.median(hips)
    if (max(hips) - min(hips)) / hip_height > MAX_STANDING_SPREAD:
        raise CalibrationError("you moved during calibration: stand still, upright, for two seconds")
    floor_y = statistics.median(f.lower_foot_y for _, f in usable)
    trunk = statistics.median(f.torso_len for _, f in usable)
    nose_y = statistics.median(float(fr.landmarks[0, 1]) for fr, _ in usable)
    shoulders = statistics.median(_shoulder_width(fr, aspect_wh) for fr, _ in usable)

    deepest = highest = None
    if movement:
        moved = [extract_features(fr, aspect_wh=aspect_wh) for fr in movement]
        depths = [1.0 - f.hip_height / hip_height for f in moved if f.legs_ok]
        reaches = [r for f in moved if not math.isnan(r := min(f.arm_raise_l, f.arm_raise_r) / trunk)]
        # The second-highest value: one frame of landmark noise is not the player's range.
        deepest = sorted(depths)[-2] if len(depths) >= 2 else None
        highest = sorted(reaches)[-2] if len(reaches) >= 2 else None
        if deepest is not None and deepest <= 0.0:
            deepest = None

    hr_max = hr_max_bpm if hr_max_bpm is not None else hr_max_tanaka(age_y if age_y is not None else 30.0)
    hr_rest = hr_rest_bpm if hr_rest_bpm is not None else DEFAULT_HR_REST_BPM
    HeartProfile(hr_rest_bpm=hr_rest, hr_max_bpm=hr_max)  # checks the pair, with a clear message
    return Calibration(
        aspect_wh=aspect_wh,
        floor_y=floor_y,
        hip_height=hip_height,
        trunk_len=trunk,
        shoulder_width=shoulders,
        body_height=(floor_y - nose_y) / NOSE_HEIGHT_SHARE,
        standing_frames=len(usable),
        hr_rest_bpm=hr_rest,
        hr_max_bpm=hr_max,
        hr_rest_measured=hr_rest_bpm is not None,
        hr_max_measured=hr_max_bpm is not None,
        age_y=age_y,
        deepest_squat=deepest,
        highest_reach=highest,
    )


__all__ = ["Calibration", "CalibrationError", "build_calibration"]
