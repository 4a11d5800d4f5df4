"""The agent console (/console): static pages plus JavaScript libraries installed from npm (assets.py)."""
