"""Bluetooth LE sensors: one module per GATT service with pure parsers, and the links that use them."""
