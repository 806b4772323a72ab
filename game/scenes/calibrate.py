"""Calibration: the player sees what the camera sees and stands still for a moment.

With pose input the picture is the skeleton over a dark panel (no camera frame is kept or
written anywhere). The scene tells the player what to fix when landmarks are missing or faint,
and moves on once the player has stood still long enough. The frames of that still stand give
the player's calibration (:mod:`sensors.motion.calibration`: standing posture, picture
aspect), which the motion tracker then uses and keeps (``ctx.live.recogniser.calibration``).
Keyboard players read the controls and press start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
import pygame

from game.i18n import tr
from game.input.mapper import InputFrame
from game.render.palette import ACCENT, GOOD, INK, MUTED, PANEL, PAPER
from game.render.skeleton import VISIBLE, draw_skeleton
from game.render.text import wrap
from game.scenes.base import Scene, Transition
from sensors.motion.calibration import CalibrationError, build_calibration
from sensors.motion.tracker import MotionTracker

if TYPE_CHECKING:
    from game.engine.context import GameContext

STILL_S = 1.2  # standing still this long completes calibration
AUTOPLAY_TIMEOUT_S = 5.0

_FEET = (27, 28, 29, 30, 31, 32)
_HEAD = (0, 2, 5)


def pose_advice(landmarks: np.ndarray | None) -> str | None:
    """What the player should change so the camera sees the whole body, or None if fine.

    ``landmarks``: (33, 4) normalised x, y, z, visibility.
    """
    if landmarks is None:
        return tr("calibrate.no_one")
    vis = landmarks[:, 3]
    if float(np.mean(vis)) < 0.35:
        return tr("calibrate.too_dark")
    if float(np.max(vis[list(_FEET)])) < VISIBLE:
        return tr("calibrate.no_feet")
    if float(np.max(vis[list(_HEAD)])) < VISIBLE:
        return tr("calibrate.no_head")
    seen = landmarks[vis >= VISIBLE]
    height = float(seen[:, 1].max() - seen[:, 1].min())
    if height > 0.95:
        return tr("calibrate.step_back")
    if height < 0.3:
        return tr("calibrate.come_closer")
    return None


def camera_picture(preview: Callable[[], Any] | None, size: tuple[int, int]) -> pygame.Surface | None:
    """The newest camera frame, mirrored like a mirror and scaled to ``size``, or None."""
    frame = preview() if preview is not None else None
    if frame is None:
        return None
    rgb = cv2.cvtColor(cv2.resize(frame.image, size), cv2.COLOR_BGR2RGB)[:, ::-1]
    return pygame.surfarray.make_surface(np.ascontiguousarray(rgb.swapaxes(0, 1)))


class CalibrateScene(Scene):
    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        self.still_s = 0.0
        self.advice: str | None = None
        self._still_frames: list[Any] = []

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        live = self.ctx.live
        now = self.ctx.clock()
        motion = live.motion_live(now)
        pose = live.last_pose
        self.advice = pose_advice(pose.landmarks if pose is not None else None) if motion and pose is not None else None
        state = live.recogniser.state
        still = motion and self.advice is None and state.cadence_spm < 1 and state.crouch < 0.08 and not state.airborne
        self.still_s = self.still_s + dt if still else 0.0
        if not still:
            self._still_frames = []
        elif pose is not None and (not self._still_frames or pose.t_host_ns > self._still_frames[-1].t_host_ns):
            self._still_frames.append(pose)

        if "back" in frame.pressed:
            self.ctx.end_session(0, {"completed": False, "reason": "left at calibration"})
            return Transition("pop")
        done = self.still_s >= STILL_S or "start" in frame.pressed
        if self.ctx.config.autoplay and self.time_s >= AUTOPLAY_TIMEOUT_S:
            done = True
        if done:
            self._calibrate()
            return Transition("replace", self.ctx.game_mode.play_scene(self.ctx))
        return None

    def _calibrate(self) -> None:
        """Calibrate the motion tracker from the still stand just seen, if there was one."""
        tracker = self.ctx.live.recogniser
        if not isinstance(tracker, MotionTracker) or not self._still_frames:
            return
        try:
            cal = build_calibration(self._still_frames, aspect_wh=tracker.image_aspect_wh)
        except CalibrationError:
            return  # too short or restless a stand: the tracker keeps learning the stance itself
        tracker.apply_calibration(cal)
        # Kept with the session, so measurements can be read against the player's own stance.
        self.ctx.record_event(self.ctx.clock(), "calibration", cal.to_dict())

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        screen.fill(INK)
        t = self.ctx.text
        t.draw(screen, tr("calibrate.title"), h // 12, PAPER, (w / 2, h * 0.05), "midtop")  # bold font (see pause)
        view = pygame.Rect(0, 0, round(h * 0.62 * 4 / 3), round(h * 0.62))
        view.center = (round(w * 0.36), round(h * 0.55))
        pygame.draw.rect(screen, PANEL, view, border_radius=10)
        live = self.ctx.live
        motion = live.motion_live(self.ctx.clock())
        picture = camera_picture(self.ctx.preview, view.size)
        if picture is not None:
            screen.blit(picture, view.topleft)
        if live.last_pose is not None and motion:
            draw_skeleton(screen, live.last_pose.landmarks, view)
        elif picture is None:
            t.draw(screen, tr("calibrate.no_picture"), h // 28, MUTED, view.center, "center")

        x = view.right + w * 0.04
        y = view.y
        if motion:
            msg = self.advice or tr("calibrate.stand_still")
            t.draw(screen, msg, h // 22, ACCENT if self.advice else GOOD, (x, y))
            bar = pygame.Rect(round(x), round(y + h * 0.08), round(w * 0.28), h // 40)
            pygame.draw.rect(screen, PANEL, bar, border_radius=6)
            fill = bar.copy()
            fill.w = round(bar.w * min(1.0, self.still_s / STILL_S))
            pygame.draw.rect(screen, GOOD, fill, border_radius=6)
        else:
            t.draw(screen, tr("calibrate.keyboard"), h // 22, ACCENT, (x, y))
        # Each hint wrapped to the room right of the picture (a long one takes two lines).
        size = h // 28
        room = round(w - x - w * 0.03)
        line_y = y + h * 0.16
        for hint in self.ctx.game_mode.calibration_hints(motion):
            for line in wrap(t.font(size), hint, room, 2):
                t.draw(screen, line, size, PAPER, (x, line_y))
                line_y += size * 1.1
            line_y += size * 0.6
