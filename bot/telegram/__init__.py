"""The Telegram channel: python-telegram-bot around the service."""
