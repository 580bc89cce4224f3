"""How each source is billed: ``sources:`` in ``.empathy/monitoring.yaml``.

::

    sources:
      claude-code:
        billing: subscription   # a Claude Pro/Max plan: not billed per token
      copilot:
        billing: subscription   # a Copilot seat
      codex:
        billing: usage          # the default: API keys, billed per token

A ``subscription`` source's calls are not money spent: every view counts them apart, as the
*list-price equivalent* of what they would have cost on the API (the agent's own cost field when
it has one, else the price book's list price), never in ``total_cost``, budgets or cost alerts.
A bad entry is reported (``monitoring.yaml: sources.NAME: ...``) and that source billed by usage.
Pure: parses a loaded document.
"""

from __future__ import annotations

from typing import Any

BILLING = ("usage", "subscription")


def subscriptions(doc: Any, name: str = "monitoring.yaml") -> tuple[frozenset[str], list[str]]:
    """(the sources billed by subscription, problems) of a loaded ``monitoring.yaml``."""
    if not isinstance(doc, dict) or doc.get("sources") is None:
        return frozenset(), []
    raw = doc["sources"]
    if not isinstance(raw, dict):
        return frozenset(), [f"{name}: sources must map a source name to its settings"]
    out: set[str] = set()
    errors: list[str] = []
    for src, conf in raw.items():
        billing = conf.get("billing", "usage") if isinstance(conf, dict) else conf
        if billing not in BILLING:
            errors.append(
                f"{name}: sources.{src}: billing must be one of {', '.join(BILLING)}"
                f" (got {billing!r}); billed by usage"
            )
        elif billing == "subscription":
            out.add(str(src))
    return frozenset(out), errors
