"""The package list for setuptools; everything else is in ``pyproject.toml``.

``game`` and ``sensors`` (and ``liike_emulation``, the emulated Bluetooth room for tests and
demonstrations) are found by scanning, so a new subpackage needs no edit here. Two
more are named outright: ``liike_levels`` and ``liike_assets``, the top-level ``levels/`` and
``assets/`` folders (mapped in ``[tool.setuptools.package-dir]``), which is how a wheel carries
the levels and pose models and how ``importlib.resources`` finds them installed. This file
exists because ``pyproject.toml`` takes either a scan or a list of packages, not both.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[
        *find_namespace_packages(
            include=["game", "game.*", "sensors", "sensors.*", "liike_emulation"], exclude=["*.__pycache__"]
        ),
        "liike_levels",
        "liike_assets",
    ]
)
