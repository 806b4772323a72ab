"""Scenes: menu -> calibrate -> play -> results, on a stack owned by the app."""
