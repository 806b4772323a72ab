"""Game tests see the built-in modes registered, as the command line registers them."""

from game.modes import register_builtin_modes

register_builtin_modes()
