"""Pure rendering and serialisation of reports: data in, bytes or plain objects out."""
