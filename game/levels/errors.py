"""The one error type of level files, whatever the mode: one line naming file, line and field."""

from __future__ import annotations

from sensors.config_yaml import DOCUMENT_FIELD, FILE_FIELD, YAML_FIELD, ConfigError

__all__ = ["DOCUMENT_FIELD", "FILE_FIELD", "LEVEL_FIELD", "YAML_FIELD", "LevelError"]

#: The field of an error about a level name that names no file.
LEVEL_FIELD = "<level>"


class LevelError(ConfigError):
    """A level file (or level name) that cannot be used.

    Attributes (of :class:`sensors.config_yaml.ConfigError`): ``path`` (the file as given, or the
    level name that was not found), ``line`` (1-based, or None), ``field`` (dotted path such as
    ``obstacles[3].at_m``; ``<file>`` for reading problems, ``<yaml>`` for syntax errors,
    ``<document>`` for the document as a whole, ``<level>`` for an unknown level name), ``reason``.
    ``str(err)`` is always exactly one line: ``PATH:LINE: FIELD: REASON``.
    """

    @classmethod
    def of(cls, exc: ConfigError) -> LevelError:
        return cls(exc.path, exc.line, exc.field, exc.reason)
