"""Motion recognition: features, detectors and analytics as pure step functions."""
