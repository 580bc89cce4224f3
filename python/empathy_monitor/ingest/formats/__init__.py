"""One module per log format; each registers itself with :mod:`..format` on import."""
