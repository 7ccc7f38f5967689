"""The web side: the ASGI app (bot/web/app.py) and the clinic portal (bot/web/portal)."""
