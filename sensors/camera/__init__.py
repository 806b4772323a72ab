"""Camera input: threaded capture, pose estimation, smoothing and the shipped pose models."""
