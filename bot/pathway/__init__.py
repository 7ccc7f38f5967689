"""Pure care-pathway logic: phases, the follow-up schedule, quiet hours, progress."""
