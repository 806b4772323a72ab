"""Two simulated players side by side in front of one camera.

:class:`SimulatedPair` holds two :class:`~sensors.sim.player.SimulatedPlayer`, each filmed in its
own zone of one picture (the left and right halves by default: the zones the pose worker reads
two players from, :data:`sensors.camera.pose.SIDE_BY_SIDE`). Their pose frames come out as the
pose worker's would: landmarks in coordinates of the whole picture, ``player`` the zone's index,
one source name for the one camera. Only pose is streamed: a camera is what sees both players
(a strap or an IMU is one person's own, and the single-player source has those).

Geometry: each player's camera has the zone's aspect (the picture's width / height times the
zone's share of the width), so a player projected into their zone and mapped to the whole
picture (x = x0 + x_zone * (x1 - x0); z scaled the same, as
:meth:`sensors.camera.pose.PoseEstimator.estimate` does) keeps true proportions in the picture.

:meth:`SimulatedPair.picture` draws both players into one BGR picture
(:func:`sensors.sim.render.render_people`), which a real pose model can read: the test of the
whole camera path for two players without a recording of real people.

:class:`SimulatedPairSource` runs a pair in real time into a SensorBus, like
:class:`~sensors.sim.source.SimulatedSource` does one player; its ``inject`` and ``steer`` take
``player=``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from sensors.clock import ClockNs, now_ns
from sensors.samples import PoseFrame, Sample
from sensors.sim.body import BodyParams, Camera
from sensors.sim.player import SimulatedPlayer
from sensors.sim.render import render_people, write_video
from sensors.sim.script import GAME_SCRIPT, Segment
from sensors.sim.source import TickedSource

#: The two halves of the picture (fractions of its width), as the pose worker splits it.
SIDE_BY_SIDE: tuple[tuple[float, float], tuple[float, float]] = ((0.0, 0.5), (0.5, 1.0))
#: Seeds of the second player are this far from the first's, so the two never move alike.
SEED_STRIDE = 7919

#: What the two players of :func:`write_pair_video` do: stand, jump a few times (which starts a game
#: waiting in its menu), stand still (the game's calibration and countdown), then raise their
#: arms over the head, squat and punch from a guard in turn, the second player on another
#: rhythm so the two scores differ. Activity:seconds@rate (:func:`sensors.sim.script.parse_script`).
#: Arm raises and squats are what a pose model reads well in these flat pictures: the punch of
#: :class:`~sensors.sim.motions.Punch` goes towards the camera, which a picture hardly shows.
PAIR_VIDEO_SCRIPTS: tuple[str, str] = (
    "idle:3,jump:12@25,idle:4," + "wave:3.5,squat:3.5@20,punch:3@40," * 8,
    "idle:3,jump:12@25,idle:4," + "squat:4@20,wave:4,punch:4@40," * 7,
)


class SimulatedPair:
    """Two simulated players, one per zone of one camera picture.

    ``scripts``: one per player (or one for both); ``picture_aspect``: the whole picture's
    width / height (4:3 by default, a webcam's, so a tracker that assumes 4:3 reads the
    landmarks right); ``fill``: the share of the picture's height a standing player fills;
    ``bodies``: one per player (default: both 1.75 m). Frames of both players share the grid
    ``t0_ns + k / pose_fps``.
    """

    def __init__(
        self,
        seed: int = 0,
        scripts: Sequence[tuple[Segment, ...] | str] = (GAME_SCRIPT,),
        t0_ns: int = 0,
        *,
        zones: Sequence[tuple[float, float]] = SIDE_BY_SIDE,
        picture_aspect: float = 4 / 3,
        fill: float = 0.62,
        floor_y: float = 0.88,
        pose_fps: float = 30.0,
        bodies: Sequence[BodyParams] = (),
        source: str = "sim-pair",
    ) -> None:
        if len(zones) != 2 or not all(0.0 <= a < b <= 1.0 for a, b in zones):
            raise ValueError(f"need two zones (x0, x1) with 0 <= x0 < x1 <= 1, got {list(zones)}")
        if not 1 <= len(scripts) <= 2 or len(bodies) > 2:
            raise ValueError("give one script for both players or one each, and at most one body each")
        self.zones = tuple(zones)
        self.picture_aspect, self.floor_y, self.source = picture_aspect, floor_y, source
        self.players = [
            SimulatedPlayer(
                seed=seed + SEED_STRIDE * i,
                script=scripts[min(i, len(scripts) - 1)],
                t0_ns=t0_ns,
                body=bodies[i] if i < len(bodies) else BodyParams(),
                pose_fps=pose_fps,
                camera=Camera(fill=fill, floor_y=floor_y, aspect=picture_aspect * (x1 - x0)),
                source=source,
            )
            for i, (x0, x1) in enumerate(self.zones)
        ]
        self._latest: list[PoseFrame | None] = [None, None]

    def _to_picture(self, frame: PoseFrame, player: int) -> PoseFrame:
        x0, x1 = self.zones[player]
        lm = np.array(frame.landmarks, dtype=np.float32)
        lm[:, 0] = x0 + lm[:, 0] * (x1 - x0)
        lm[:, 2] *= x1 - x0
        return PoseFrame(t_host_ns=frame.t_host_ns, source=self.source, landmarks=lm, world=frame.world, player=player)

    def advance_to(self, t_ns: int) -> list[PoseFrame]:
        """Both players' pose frames with a time <= ``t_ns`` not yet returned, in time order
        (player 0 first at equal times)."""
        out: list[PoseFrame] = []
        for i, p in enumerate(self.players):
            for s in p.advance_to(t_ns):
                if isinstance(s, PoseFrame):
                    frame = self._to_picture(s, i)
                    self._latest[i] = frame
                    out.append(frame)
        out.sort(key=lambda f: (f.t_host_ns, f.player))
        return out

    def latest(self, player: int) -> PoseFrame | None:
        """The newest frame of ``player`` handed out by :meth:`advance_to`."""
        return self._latest[player]

    def picture(self, size: tuple[int, int]) -> np.ndarray:
        """Both players as they stand in their newest frames, drawn into one BGR picture of
        ``size`` (width, height); raises if a player has no frame yet."""
        frames = [f for f in self._latest if f is not None]
        if len(frames) != 2:
            raise RuntimeError("advance the pair past its first frame before drawing it")
        w, h = size
        if abs(w / h - self.picture_aspect) > 0.02:
            raise ValueError(f"the picture is {self.picture_aspect:.3f} wide per unit of height, got a size of {w}x{h}")
        return render_people([f.landmarks for f in frames], size, self.floor_y)

    def inject(self, kind: str, t_ns: int, player: int = 0) -> None:
        """One movement by ``player`` (see :meth:`SimulatedPlayer.inject`)."""
        self.players[player].inject(kind, t_ns)

    def steer(
        self,
        t_ns: int,
        activity: str,
        *,
        player: int = 0,
        cadence_spm: float | None = None,
        rate_per_min: float | None = None,
        lean: float = 0.0,
        side_m: float = 0.0,
        crouch: float = 0.0,
    ) -> None:
        """What ``player`` keeps doing from ``t_ns`` on (see :meth:`SimulatedPlayer.steer`)."""
        self.players[player].steer(
            t_ns, activity, cadence_spm=cadence_spm, rate_per_min=rate_per_min, lean=lean, side_m=side_m, crouch=crouch
        )


def pair_pictures(pair: SimulatedPair, seconds: float, fps: float, size: tuple[int, int]) -> Iterator[np.ndarray]:
    """One picture of ``pair`` every 1 / ``fps`` s from its start for ``seconds`` (the pair's
    ``pose_fps`` should be ``fps``, so each picture shows a frame of each player)."""
    for k in range(int(seconds * fps)):
        pair.advance_to(pair.players[0].t0_ns + round(k * 1e9 / fps))
        yield pair.picture(size)


def write_pair_video(
    path: Path,
    seconds: float,
    *,
    fps: float = 30.0,
    size: tuple[int, int] = (640, 480),
    seed: int = 0,
    scripts: Sequence[str] = PAIR_VIDEO_SCRIPTS,
) -> int:
    """Film two simulated players side by side for ``seconds`` into one Motion-JPEG video of
    ``size`` (width, height) at ``fps``; return the number of frames written. ``scripts``: what
    each player does (default :data:`PAIR_VIDEO_SCRIPTS`)."""
    pair = SimulatedPair(seed, tuple(scripts), picture_aspect=size[0] / size[1], pose_fps=fps)
    return write_video(path, pair_pictures(pair, seconds, fps, size), fps, size)


class SimulatedPairSource(TickedSource):
    """A Source whose device is a :class:`SimulatedPair`, run in real time on its own thread;
    ``inject`` and ``steer`` may be called from any thread."""

    what = "two simulated players"

    def __init__(self, seed: int = 0, clock: ClockNs = now_ns, name: str = "sim-pair", threaded: bool = True) -> None:
        super().__init__(clock, name, threaded)
        self._seed = seed
        self.pair: SimulatedPair | None = None

    def _create(self, t0_ns: int) -> None:
        self.pair = SimulatedPair(seed=self._seed, t0_ns=t0_ns, source=self.name)

    def _advance(self, t_ns: int) -> Sequence[Sample]:
        assert self.pair is not None
        return self.pair.advance_to(t_ns)

    def inject(self, kind: str, t_ns: int, player: int = 0) -> None:
        if self.pair is None:
            return
        with self._lock:
            self.pair.inject(kind, t_ns, player)

    def steer(
        self,
        t_ns: int,
        activity: str,
        *,
        player: int = 0,
        cadence_spm: float | None = None,
        rate_per_min: float | None = None,
        lean: float = 0.0,
        side_m: float = 0.0,
        crouch: float = 0.0,
    ) -> None:
        if self.pair is None:
            return
        with self._lock:
            self.pair.steer(
                t_ns,
                activity,
                player=player,
                cadence_spm=cadence_spm,
                rate_per_min=rate_per_min,
                lean=lean,
                side_m=side_m,
                crouch=crouch,
            )
