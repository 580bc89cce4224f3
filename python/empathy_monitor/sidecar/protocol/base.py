"""The two kinds of wire model and the small vocabularies every subject of the protocol shares.

Incoming params are strict (``extra="forbid"``); outgoing models allow extra keys so the analytics
can grow a field without breaking the wire.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

RangeName = Literal["today", "7d", "30d", "all"]
LensRange = Literal["today", "7d", "30d"]
CostMode = Literal["auto", "writer", "list"]
DimensionName = Literal[
    "workflow", "provider", "tier", "model", "project", "user", "session", "source"
]


class In(BaseModel):
    """Params a client sends: unknown keys are an error."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """What the sidecar sends."""

    # Always sent in full, so every field is required in the generated TypeScript.
    model_config = ConfigDict(extra="allow", json_schema_serialization_defaults_required=True)


class EmptyParams(In):
    """Requests without parameters (``{}`` or null)."""
