"""The one error a GATT parser raises, and the length check shared by flag-driven records."""

from __future__ import annotations


class ParseError(ValueError):
    """Bytes that are not a valid value of the characteristic.

    ``reason`` says why in words a log reader understands; ``data`` keeps the offending bytes,
    which the message shows in hex. Every public ``parse_*`` function raises only this.
    """

    def __init__(self, characteristic: str, reason: str, data: bytes) -> None:
        self.characteristic = characteristic
        self.reason = reason
        self.data = bytes(data)
        super().__init__(f"{characteristic}: {reason} (bytes: {self.data.hex(' ') or 'none'})")


def flagged_length(characteristic: str, data: bytes, reserved_mask: int, base: int, optional: dict[int, int]) -> int:
    """Check a one-byte-flags record whose optional fields have fixed sizes; return the flags.

    ``base``: bytes always present (flags included); ``optional``: flag bit -> bytes it adds.
    Reserved flag bits are accepted as values (a newer server may set them); then, and only
    then, bytes after the known fields are tolerated, since a future field may have been appended.
    """
    if not data:
        raise ParseError(characteristic, "empty", data)
    flags = data[0]
    need = base + sum(size for bit, size in optional.items() if flags & bit)
    if len(data) < need:
        raise ParseError(characteristic, f"cut short: flags 0x{flags:02x} need {need} bytes, got {len(data)}", data)
    if len(data) > need and not flags & reserved_mask:
        raise ParseError(characteristic, f"{len(data) - need} trailing bytes after the fields flags 0x{flags:02x} announce", data)
    return flags
