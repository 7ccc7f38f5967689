"""Clinics, clinicians and invitations: the database side of pre-consultation capture.

The pure parts (PDF, FHIR, CSV, tokens) are in bot/reports; the conversation side is
bot/engine/features/clinic.py. Modules here read and write the database.
"""
