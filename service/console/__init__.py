"""The agent console (/console): static pages plus JavaScript libraries installed from npm (assets.py),
which also hold Swagger UI for the API docs (/docs, service/apidocs)."""
