"""Reading telemetry files: decoding lines, tailing files incrementally, watching directories."""
