"""The shipped levels, installed as the package ``liike_levels`` (mapped in ``pyproject.toml``).

Each mode's levels are ``<mode>/*.yaml`` beneath this folder (``runner/meadow.yaml``); the
schema is in ``README.md``. This file only makes the folder a package, so that a wheel carries
the levels and ``importlib.resources`` finds them (``game.levels.packaged``). Nothing to import.
"""
