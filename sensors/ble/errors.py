"""The one error a GATT parser raises."""

from __future__ import annotations


class ParseError(ValueError):
    """Bytes that are not a valid value of the characteristic; says why and shows the bytes."""

    def __init__(self, characteristic: str, reason: str, data: bytes) -> None:
        self.characteristic = characteristic
        self.reason = reason
        self.data = bytes(data)
        super().__init__(f"{characteristic}: {reason} (bytes: {self.data.hex(' ') or 'none'})")
