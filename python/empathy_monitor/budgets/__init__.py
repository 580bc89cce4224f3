"""Budgets: periods, ``budgets.yaml``, burn rate and forecast, and the one definition of unusual.

Pure modules (no IO at import, nothing here opens a file or a socket): ``periods`` (local-midnight
boundaries), ``config`` (parse and render ``budgets.yaml``), ``dailyfit`` + ``forecast`` (the
period-end projection), ``anomaly`` (a key's day against its own rolling baseline) and
``backtest`` (the generated regimes that ``scripts/bench_forecast`` scores the forecast on).
"""
