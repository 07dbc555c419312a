"""The kit's console scripts, which start a half of the kit or say in one line which extra it needs."""
