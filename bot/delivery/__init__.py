"""Durable delivery: replies are rows of the outbox, written with the state they belong
to, and delivered after commit by a sender that survives a crash (issue #17)."""
