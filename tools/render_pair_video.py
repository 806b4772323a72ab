"""Film two simulated players side by side into one video, for playing target punch for two
through the real pose model: ``liike play --mode punch --level duo --players 2 --input camera
--camera FILE``.

    python tools/render_pair_video.py /tmp/pair.avi --seconds 90

By default the players stand, jump a few times (that starts the game from its menu), stand still for
the calibration and the countdown, then raise their arms, squat and punch
(:data:`sensors.sim.pair.PAIR_VIDEO_SCRIPTS`); ``--scripts LEFT RIGHT`` gives other moves.
The video is Motion-JPEG in AVI, which every OpenCV build reads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sensors.sim.pair import PAIR_VIDEO_SCRIPTS, write_pair_video
from sensors.sim.script import parse_script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Film two simulated players side by side into one video.")
    parser.add_argument("out", type=Path, help="video file to write (.avi)")
    parser.add_argument("--seconds", type=float, default=90.0, help="length of the video (default 90)")
    parser.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    parser.add_argument("--size", default="640x480", help="WIDTHxHEIGHT (default 640x480, a 4:3 webcam's)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the simulated players")
    parser.add_argument(
        "--scripts",
        nargs=2,
        metavar=("LEFT", "RIGHT"),
        default=PAIR_VIDEO_SCRIPTS,
        help="what each player does, ACTIVITY:SECONDS[@RATE],... (the players in the picture's left and right "
        "halves; default: stand, jump, stand, then arm raises, squats and punches)",
    )
    args = parser.parse_args(argv)
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        parser.error(f"--size must be WIDTHxHEIGHT, got {args.size!r}")
    if args.seconds <= 0 or args.fps <= 0:
        parser.error("--seconds and --fps must be positive")
    try:
        for script in args.scripts:
            parse_script(script)
    except ValueError as exc:
        parser.error(f"--scripts: {exc}")
    n = write_pair_video(args.out, args.seconds, fps=args.fps, size=(w, h), seed=args.seed, scripts=args.scripts)
    print(f"{args.out}: {n} frames of {w}x{h} at {args.fps:g} fps")
    return 0


if __name__ == "__main__":
    sys.exit(main())
