"""The shipped assets, installed as the package ``liike_assets`` (mapped in ``pyproject.toml``).

``models/`` holds the pose models with their licence, provenance and checksums. This file only
makes the folder a package, so that a wheel carries the assets and ``importlib.resources`` finds
them (``sensors.camera.models``). Nothing to import.
"""
