"""Red-flag triage (pure): cluster rules for screen answers and free-text detection."""

from bot.triage.freetext import detect
from bot.triage.rules import CLUSTERS, URGENT_CLUSTERS, Escalation, evaluate

__all__ = ["CLUSTERS", "URGENT_CLUSTERS", "Escalation", "detect", "evaluate"]
