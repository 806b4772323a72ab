"""Drawing helpers shared by scenes: palette, cached text, skeletons."""
