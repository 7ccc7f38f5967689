"""Rendering of charts and reports: data in, bytes out."""
