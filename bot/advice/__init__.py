"""Self-management advice (KCE Kader 3) and the harmful-message guardrail (Kader 2)."""
