"""Game modes. Each reads only input actions and axes (never raw sensor data)."""
