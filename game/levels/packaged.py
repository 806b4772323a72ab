"""Where the shipped levels are: the package ``liike_levels``, which is the repository's ``levels/``.

``pyproject.toml`` maps the top-level ``levels/`` folder onto the package ``liike_levels``, so a
wheel carries the levels and :mod:`importlib.resources` finds them wherever Liike is installed:
in site-packages from a wheel, in the checkout from an editable install (``pip install -e .``).
Each mode's levels are ``<root>/<mode>/*.yaml`` (``runner/meadow.yaml``).

Standard library only, no pygame: the level loader and the command line both use it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["LEVELS_PACKAGE", "packaged_levels_dir"]

LEVELS_PACKAGE = "liike_levels"
"""The package the repository's ``levels/`` folder is installed as."""

_CHECKOUT_LEVELS = Path(__file__).resolve().parents[2] / "levels"


def packaged_levels_dir() -> Path:
    """The root folder of the shipped levels; a mode's levels are ``packaged_levels_dir() / mode``.

    Found with :func:`importlib.resources.files` as the package :data:`LEVELS_PACKAGE`. In a
    checkout that is not installed at all (the package cannot be imported) it is the checkout's
    ``levels/`` folder. This is the shipped folder only: an override such as ``LIIKE_LEVELS_DIR``
    is the caller's to apply. Raises :class:`RuntimeError` when the package is installed but not
    as plain files (inside a zip archive), since the levels are then no folder on disk.
    """
    try:
        root = resources.files(LEVELS_PACKAGE)
    except ModuleNotFoundError as exc:
        if exc.name != LEVELS_PACKAGE:
            raise
        return _CHECKOUT_LEVELS
    if not isinstance(root, Path):
        raise RuntimeError(
            f"the shipped levels ({LEVELS_PACKAGE}, at {root}) are not plain files on disk: "
            "install Liike with pip, which unpacks it"
        )
    return root
