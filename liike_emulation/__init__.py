"""An in-process Bluetooth LE world for tests, benchmarks and demonstrations without hardware.

Built on Google's bumble (a Bluetooth stack in Python, a test-only dependency): every emulated
peripheral and every central "adapter" has its own virtual controller, and the controllers talk
over an in-memory link layer. The project's own code reaches this world through bleak's public
``BleakScanner``/``BleakClient`` with ``backend=`` set to the classes in :mod:`.backend`, so the
same link code runs here as against a real adapter: advertisements, connection set-up, ATT MTU
exchange, GATT discovery, notifications and peripheral-side disconnects all cross the emulated
stack.

Import this package only where bumble is installed (``pip install -e '.[test]'``).
"""

from liike_emulation.radio import EmulatedWorld

__all__ = ["EmulatedWorld"]
