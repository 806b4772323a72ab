"""What a visitor should change so the camera sees them, as a kiosk text key.

The same checks as the calibration screen (:func:`game.scenes.calibrate.pose_advice`), returned
as keys of the kiosk's own texts, so the advice can be shown in the visitor's language even when
the game itself does not speak it (German, Russian).
"""

from __future__ import annotations

import numpy as np

from game.render.skeleton import VISIBLE

#: BlazePose landmark indices: heels, ankles and foot tips; nose and eyes.
FEET = (27, 28, 29, 30, 31, 32)
HEAD = (0, 2, 5)
#: Mean landmark visibility under which the picture is too dark to read a body.
DARK_VISIBILITY = 0.35
#: Height of the seen body as a share of the picture: beyond the first the visitor is too close,
#: under the second too far.
TOO_CLOSE = 0.95
TOO_FAR = 0.3


def advice_key(landmarks: np.ndarray) -> str | None:
    """``advice.*`` key for (33, 4) landmarks (x, y, z, visibility), or None when all is well."""
    vis = landmarks[:, 3]
    if float(np.mean(vis)) < DARK_VISIBILITY:
        return "advice.too_dark"
    if float(np.max(vis[list(FEET)])) < VISIBLE:
        return "advice.no_feet"
    if float(np.max(vis[list(HEAD)])) < VISIBLE:
        return "advice.no_head"
    seen = landmarks[vis >= VISIBLE]
    height = float(seen[:, 1].max() - seen[:, 1].min())
    if height > TOO_CLOSE:
        return "advice.step_back"
    if height < TOO_FAR:
        return "advice.come_closer"
    return None
