"""The staff PIN, stored only as a salted hash.

A PIN is a few digits, so its hash must be slow to guess: scrypt (Percival 2009; RFC 7914)
with r = 8, p = 1 and N = 2**15 (32 MiB), the costs given for interactive logins as of 2017 in
the documentation of Go's x/crypto/scrypt (Percival's paper gave N = 2**14 in 2009). Checking
takes about 0.2 s, on the game thread, only when staff type a PIN.
The stored text is ``scrypt$N$r$p$SALT_HEX$HASH_HEX``, one line to paste into ``kiosk.yaml``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "scrypt"
#: scrypt costs for an interactive login (see above): 128 * r * N bytes = 32 MiB.
N, R, P = 2**15, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
#: Most memory scrypt may use while checking a stored hash (a pasted hash may carry other costs).
MAX_MEM_BYTES = 256 * 1024 * 1024
PIN_DIGITS = (4, 12)


class PinFormatError(ValueError):
    """A PIN or stored hash that cannot be used; the message says what is wrong."""


def check_pin_text(pin: str) -> str:
    """The PIN if it is 4-12 digits; else :class:`PinFormatError`."""
    lo, hi = PIN_DIGITS
    if not (pin.isascii() and pin.isdigit() and lo <= len(pin) <= hi):
        raise PinFormatError(f"a PIN is {lo} to {hi} digits (the staff type it on the number row)")
    return pin


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """The text stored for ``pin``: ``scrypt$N$r$p$salt$hash`` with a fresh random salt."""
    check_pin_text(pin)
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=HASH_BYTES, maxmem=MAX_MEM_BYTES)
    return f"{SCHEME}${N}${R}${P}${salt.hex()}${digest.hex()}"


def parse_hash(stored: str) -> tuple[int, int, int, bytes, bytes]:
    """(N, r, p, salt, hash) of a stored PIN hash; :class:`PinFormatError` if it is not one."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PinFormatError("not a PIN hash: make one with `liike kiosk hash-pin` and paste its line")
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, digest = bytes.fromhex(parts[4]), bytes.fromhex(parts[5])
    except ValueError:
        raise PinFormatError("a PIN hash with damaged numbers: make a new one with `liike kiosk hash-pin`") from None
    if n < 2 or n & (n - 1) or not 1 <= r <= 64 or not 1 <= p <= 16 or 128 * r * n > MAX_MEM_BYTES:
        raise PinFormatError("a PIN hash with unusable scrypt costs: make a new one with `liike kiosk hash-pin`")
    if len(salt) < 8 or len(digest) < 16:
        raise PinFormatError("a PIN hash too short to be one: make a new one with `liike kiosk hash-pin`")
    return n, r, p, salt, digest


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` is the PIN ``stored`` was made from (a constant-time comparison)."""
    n, r, p, salt, digest = parse_hash(stored)
    try:
        check_pin_text(pin)
    except PinFormatError:
        return False
    got = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, dklen=len(digest), maxmem=MAX_MEM_BYTES)
    return hmac.compare_digest(got, digest)
