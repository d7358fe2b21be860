"""Image upload links and video meetings during a call (bild och video)."""
