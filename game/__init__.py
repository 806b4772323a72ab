"""Liike game: app loop, scenes, modes, input mapping, levels, session store and command line."""

import os

# pygame prints a banner on import; the command line's stdout is for data (JSON lines).
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
