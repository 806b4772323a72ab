"""Liike perception layer: sensor drivers, sample types, the sensor bus and motion recognition.

This package never imports ``game`` or ``pygame``; it is usable as a library on its own.
"""
