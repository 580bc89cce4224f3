"""The VS Code sidecar: a pygls JSON-RPC server that watches telemetry files and pushes updates.

Layout: ``protocol`` (wire models + method names), ``settings`` (initializationOptions),
``server`` (pygls subclass, thin handlers), ``service`` (owns the Telemetry and its one worker
thread), ``publisher`` (incremental views and diffs), ``watcher`` (watchdog -> asyncio queue,
debounce), ``source_index`` (resolveSource), ``export`` (CSV), ``plugins`` (alerts, OTel seams),
``client`` (a tiny stdio client for tests and the benchmark).
"""
