"""Stand-ins for the outside world: SMS providers answering on 127.0.0.1."""
