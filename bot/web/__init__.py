"""The web side of a worker: the ASGI app (`backpath serve`) and the clinic portal."""
