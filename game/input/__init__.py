"""Input layer: named actions and axes, fed by keyboard and motion, read by game modes."""

from game.input.bindings import Bindings, BindingsError, load_bindings
from game.input.mapper import InputFrame, InputMapper

__all__ = ["Bindings", "BindingsError", "InputFrame", "InputMapper", "load_bindings"]
