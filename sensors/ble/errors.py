"""The one error a GATT parser raises."""

from __future__ import annotations


class ParseError(ValueError):
    """Bytes that are not a valid value of the characteristic; says why and shows the bytes."""

    def __init__(self, characteristic: str, reason: str, data: bytes) -> None:
        self.characteristic = characteristic
        self.reason = reason
        self.data = bytes(data)
        super().__init__(f"{characteristic}: {reason} (bytes: {self.data.hex(' ') or 'none'})")


def flagged_length(characteristic: str, data: bytes, reserved_mask: int, base: int, optional: dict[int, int]) -> int:
    """Check a one-byte-flags record whose optional fields have fixed sizes; return the flags.

    ``base``: bytes always present (flags included); ``optional``: flag bit -> bytes it adds.
    """
    if not data:
        raise ParseError(characteristic, "empty", data)
    flags = data[0]
    if flags & reserved_mask:
        raise ParseError(characteristic, f"reserved flag bits set (flags 0x{flags:02x})", data)
    need = base + sum(size for bit, size in optional.items() if flags & bit)
    if len(data) != need:
        raise ParseError(characteristic, f"expected {need} bytes for flags 0x{flags:02x}, got {len(data)}", data)
    return flags
