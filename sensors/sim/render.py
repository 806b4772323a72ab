"""Pictures of the simulated player: a flat-shaded humanoid drawn from its 33 landmarks.

For testing the video path end to end (camera file -> pose model -> detectors) without any
recording of a real person: the figure has filled limbs in skin and clothing colours, a head
with hair and a face, shoes, on a wall-and-floor background, which is enough for BlazePose to
find it. It is a stand-in, not a likeness: the landmark error of the pose model on these
pictures is not the error on real people.

Units: landmarks in normalised image coordinates (x right, y down, 0..1), as in
:class:`~sensors.samples.PoseFrame`; sizes of body parts are fractions of the drawn torso
length (mid-shoulder to mid-hip, pixels).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import cv2
import numpy as np

# BGR colours.
WALL = (196, 206, 214)
FLOOR = (118, 136, 148)
SKIN = (128, 160, 214)
SHIRT = (150, 62, 44)
TROUSERS = (66, 52, 44)
SHOES = (34, 34, 38)
HAIR = (34, 44, 66)
EYES = (44, 32, 32)
MOUTH = (70, 70, 170)


def render_pose(landmarks: np.ndarray, size: tuple[int, int] = (640, 480), floor_y: float = 0.9) -> np.ndarray:
    """A BGR picture (height, width, 3) of the figure whose landmarks are ``landmarks`` (33, >= 2).

    ``size``: (width, height) in pixels; ``floor_y``: where the floor starts (normalised).
    """
    return render_people([landmarks], size, floor_y)


def render_people(people: Sequence[np.ndarray], size: tuple[int, int] = (640, 480), floor_y: float = 0.9) -> np.ndarray:
    """A BGR picture (height, width, 3) of several figures on one wall and floor, each given by
    its landmarks (33, >= 2) normalised to the whole picture: players side by side in front of
    one camera. Figures are drawn in the order given (a later one covers an earlier one)."""
    w, h = size
    img = np.empty((h, w, 3), np.uint8)
    img[:] = WALL
    img[round(floor_y * h) :] = FLOOR
    for landmarks in people:
        draw_figure(img, landmarks)
    return img


def draw_figure(img: np.ndarray, landmarks: np.ndarray) -> None:
    """Draw the figure whose landmarks (33, >= 2; normalised to ``img``) are ``landmarks`` into
    the BGR picture ``img``, in place."""
    h, w = img.shape[:2]
    pts = np.asarray(landmarks, dtype=float)[:, :2] * (w, h)

    def p(i: int) -> tuple[int, int]:
        return round(pts[i, 0]), round(pts[i, 1])

    mid_sh = (pts[11] + pts[12]) / 2
    mid_hip = (pts[23] + pts[24]) / 2
    torso = max(float(np.hypot(*(mid_sh - mid_hip))), 4.0)

    def limb(a: int, b: int, width: float, colour: tuple[int, int, int]) -> None:
        thick = max(2, round(width * torso))
        cv2.line(img, p(a), p(b), colour, thick, cv2.LINE_AA)
        cv2.circle(img, p(b), thick // 2, colour, -1, cv2.LINE_AA)

    for hip, knee, ankle, toe in ((23, 25, 27, 31), (24, 26, 28, 32)):
        limb(hip, knee, 0.30, TROUSERS)
        limb(knee, ankle, 0.24, TROUSERS)
        limb(ankle, toe, 0.13, SHOES)
    body = np.array([p(11), p(12), p(24), p(23)], dtype=np.int32)
    cv2.fillConvexPoly(img, body, SHIRT, cv2.LINE_AA)
    cv2.line(img, p(23), p(24), TROUSERS, max(2, round(0.2 * torso)), cv2.LINE_AA)
    nose = np.array(p(0))
    neck = ((pts[11] + pts[12]) / 2).round().astype(int)
    cv2.line(img, tuple(int(v) for v in neck), tuple(int(v) for v in nose), SKIN, max(2, round(0.16 * torso)), cv2.LINE_AA)
    for sh, el, wr, ix in ((11, 13, 15, 19), (12, 14, 16, 20)):
        limb(sh, el, 0.19, SHIRT)
        limb(el, wr, 0.15, SKIN)
        limb(wr, ix, 0.13, SKIN)
    # Head: centred a little above the nose; hair on top; eyes at their landmarks; a mouth.
    centre = (int(nose[0]), int(nose[1] - 0.08 * torso))
    axes = (max(2, round(0.20 * torso)), max(2, round(0.26 * torso)))
    cv2.ellipse(img, centre, axes, 0, 0, 360, SKIN, -1, cv2.LINE_AA)
    cv2.ellipse(
        img, (centre[0], centre[1] - round(0.12 * torso)), (axes[0] + 1, round(0.16 * torso)), 0, 180, 360, HAIR, -1, cv2.LINE_AA
    )
    for eye in (2, 5):
        cv2.circle(img, p(eye), max(1, round(0.03 * torso)), EYES, -1, cv2.LINE_AA)
    mouth = (int(nose[0]), int(nose[1] + 0.08 * torso))
    cv2.ellipse(
        img,
        mouth,
        (max(1, round(0.06 * torso)), max(1, round(0.02 * torso))),
        0,
        0,
        180,
        MOUTH,
        max(1, round(0.02 * torso)),
        cv2.LINE_AA,
    )


def write_video(path: Path, pictures: Iterable[np.ndarray], fps: float, size: tuple[int, int]) -> int:
    """Write BGR ``pictures`` of ``size`` (width, height) to ``path`` as Motion-JPEG in AVI
    (a codec every OpenCV build reads and writes); returns the number of frames written."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    if not writer.isOpened():
        raise OSError(f"cannot write a video to {path}")
    n = 0
    try:
        for pic in pictures:
            writer.write(pic)
            n += 1
    finally:
        writer.release()
    return n


__all__ = ["draw_figure", "render_people", "render_pose", "write_video"]
