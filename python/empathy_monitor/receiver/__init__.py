"""The local OTLP receiver: coding agents' and apps' GenAI telemetry into our call files."""
