"""BackPath: a back-pain companion on Telegram."""
