"""The base of every dashboard section model.

Sections are exact (``extra="forbid"``): the generated TypeScript types and runtime guards describe
precisely what the sidecar sends, so a field added here without a type is a failing check, not a
silent ``unknown`` on the other side.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A wire shape rendered by the analytics; every field is always sent."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)
