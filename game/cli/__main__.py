"""``python -m game.cli``: the same as the ``liike`` command."""

import sys

from game.cli import main

sys.exit(main())
