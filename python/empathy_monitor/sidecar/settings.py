"""The sidecar's settings: one strict pydantic model for ``initializationOptions``.

Unknown keys and bad values are rejected with a message that names the field; the server turns
that into a JSON-RPC ``InvalidParams`` error instead of crashing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..timeparse import resolve_tz
from ..validation import describe
from ..workspace import Layout, config_dirs, default_layout


class CodeLensSettings(BaseModel):
    """``empathy.codeLens.*``: cost above each workflow definition in the editor."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(
        default=True,
        description="Show cost, runs, errors and p95 above workflow definitions once the"
        " workspace has telemetry.",
    )
    range: Literal["today", "7d", "30d"] = Field(
        default="7d", description="The window the lenses and hovers report."
    )


class Settings(BaseModel):
    """``initializationOptions`` and ``workspace/didChangeConfiguration`` settings."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    telemetryDirs: list[str] | None = Field(
        default=None,
        description="Telemetry directories; default: <workspace>/.empathy and/or .attune (whichever"
        " hold telemetry), plus attune-ai 16.x's ~/.attune/telemetry runs of this project.",
    )
    project: str = Field(
        default="",
        description="This workspace's project in attune-ai 16.x's shared ~/.attune/telemetry runs;"
        " default: the workspace folder's name.",
    )
    naiveTimezone: str = Field(
        default="local", description="Zone of naive timestamps: local, UTC or an IANA name."
    )
    activityLimit: int = Field(
        default=20, ge=1, le=1000, description="Rows in recent_calls and the default activity page."
    )
    debounceMs: int = Field(
        default=50, ge=0, le=5000, description="Trailing debounce for file events (max-wait is 2x)."
    )
    retentionDays: int = Field(
        default=30,
        ge=1,
        le=36500,
        description="The panel's default history (days); the sidecar never deletes data.",
    )
    refreshFallbackSeconds: float = Field(
        default=0,
        ge=0,
        le=86400,
        description="Re-read interval used ONLY when file watching fails to start; 0 = off.",
    )
    sources: list[str] = Field(
        default_factory=list,
        description="Coding agents whose usage logs are read (opt-in): claude-code, codex,"
        " gemini-cli, copilot. Nothing of theirs is opened until listed here.",
    )
    otlpReceiver: bool = Field(
        default=False,
        description="Run the local OTLP/HTTP receiver (127.0.0.1 only) inside the sidecar.",
    )
    otlpReceiverPort: int = Field(
        default=4318, ge=1, le=65535, description="Port of the local OTLP receiver."
    )
    alertActions: bool = Field(
        default=True,
        description="Internal (sent by the extension): false in an untrusted workspace, where"
        " alerts are evaluated and shown but no action from alerts.yaml runs.",
    )

    codeLens: CodeLensSettings = Field(
        default_factory=CodeLensSettings,
        description="empathy.codeLens.enabled / empathy.codeLens.range (codeLenses' default range).",
    )

    @field_validator("naiveTimezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        resolve_tz(v)  # raises ValueError naming the zone
        return v

    @field_validator("sources")
    @classmethod
    def _sources(cls, v: list[str]) -> list[str]:
        from ..sources import SOURCES

        bad = [s for s in v if s not in SOURCES]
        if bad:
            raise ValueError(f"unknown source {bad[0]!r}; use one of {', '.join(SOURCES)}")
        return list(dict.fromkeys(v))

    @field_validator("telemetryDirs")
    @classmethod
    def _dirs(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and any(not s.strip() for s in v):
            raise ValueError("directory names must not be empty")
        return v

    @field_validator("project")
    @classmethod
    def _project(cls, v: str) -> str:
        return v.strip()

    def layout(self, workspace: Path) -> Layout:
        """Configured dirs resolved against the workspace (they win), or the default layout."""
        if self.telemetryDirs:
            return Layout(
                [
                    (p if p.is_absolute() else workspace / p)
                    for p in (Path(s).expanduser() for s in self.telemetryDirs)
                ]
            )
        return default_layout(workspace, self.project or None)

    def dirs(self, workspace: Path) -> list[Path]:
        return self.layout(workspace).dirs

    def config_dirs(self, workspace: Path) -> list[Path]:
        """Where configuration is looked for (and created, the first): the configured telemetry
        dirs, else the workspace's config folder (``workspace.config_dir``) first."""
        if self.telemetryDirs:
            return self.dirs(workspace)
        return config_dirs(workspace)


def parse(raw: Any, prefix: str = "initializationOptions") -> Settings:
    """Validate raw options (``None`` = defaults).

    Raises:
        ValueError: with a message naming every bad field.
    """
    if raw is None:
        return Settings()
    if not isinstance(raw, dict):
        raise ValueError(f"{prefix}: expected an object, got {type(raw).__name__}")
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        # One part per problem, each naming the field: ``initializationOptions.debounceMs: ...``.
        raise ValueError(describe(exc, prefix)) from exc
