"""The staff PIN is stored salted and hashed, and checked in constant time."""

from __future__ import annotations

import pytest

from game.kiosk.pin import PinFormatError, hash_pin, parse_hash, verify_pin


def test_the_right_pin_opens_and_others_do_not() -> None:
    stored = hash_pin("482913")
    assert verify_pin("482913", stored)
    for wrong in ("482914", "48291", "", "4829130", "abcdef", "482913 "):
        assert not verify_pin(wrong, stored)


def test_the_pin_itself_is_not_in_what_is_stored_and_each_hash_is_salted() -> None:
    a, b = hash_pin("1234"), hash_pin("1234")
    assert a != b  # a fresh salt each time
    assert "1234" not in a.split("$", 4)[-1]
    n, r, p, salt, digest = parse_hash(a)
    assert (n, r, p) == (2**15, 8, 1) and len(salt) == 16 and len(digest) == 32


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "١٢٣٤"])
def test_unusable_pins_are_refused_when_hashing(pin: str) -> None:
    with pytest.raises(PinFormatError):
        hash_pin(pin)


@pytest.mark.parametrize(
    "stored",
    ["", "1234", "pbkdf2$1$2$3$00$00", "scrypt$x$8$1$00$00", "scrypt$3$8$1$0011223344556677$" + "00" * 16,
     "scrypt$16384$8$1$zz$00", "scrypt$1073741824$8$1$0011223344556677$" + "00" * 16],
)  # fmt: skip
def test_damaged_hashes_are_refused(stored: str) -> None:
    with pytest.raises(PinFormatError):
        parse_hash(stored)
