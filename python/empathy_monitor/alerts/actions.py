"""Alert actions (webhook, email, stdout, VS Code) and the file's ``settings`` (SMTP, private
network): the pydantic models of those parts of ``alerts.yaml``. Pure: no IO."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..redact import check_header, redact_url
from .templates import _check_templates_in, check_template

MAX_DELIVERY_BUDGET = 300.0  # the outbox claim lease is derived from it (state.CLAIM_SECONDS)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WebhookAction(_Model):
    type: Literal["webhook"]
    url: str
    format: Literal["json", "slack", "discord"] = "json"
    payload: dict[str, Any] | list[Any] | str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    secret: str | None = None  # HMAC-SHA256 key (prefer secret_env)
    secret_env: str | None = None
    signature_header: str = "X-Empathy-Signature"
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)  # one whole attempt
    max_retries: int = Field(default=3, ge=0, le=10)
    # All attempts and waits of one notification; then it goes back to the outbox (retried later).
    budget_seconds: float = Field(default=60.0, gt=0, le=MAX_DELIVERY_BUDGET)

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://[^/\s]+", v, re.IGNORECASE):
            raise ValueError("url must start with http:// or https:// and name a host")
        return v

    @field_validator("headers")
    @classmethod
    def _headers(cls, v: dict[str, str]) -> dict[str, str]:
        # http.client would raise "Invalid header value b'<the secret>'" at send time, and that
        # text used to reach the history; refuse at load, naming the header only.
        for name, value in v.items():
            check_header(name, value, "headers")
        return v

    @field_validator("signature_header")
    @classmethod
    def _sig_header(cls, v: str) -> str:
        check_header(v, "", "signature_header")
        return v

    @field_validator("payload")
    @classmethod
    def _payload(cls, v: Any) -> Any:
        _check_templates_in(v)
        return v

    def describe(self) -> str:
        return f"webhook {redact_url(self.url)}"


class EmailAction(_Model):
    type: Literal["email"]
    to: list[str]
    subject: str = "[{severity}] {rule}: {message}"

    @field_validator("to", mode="before")
    @classmethod
    def _to(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("to")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("at least one address is needed")
        for a in v:
            if not re.match(r"^[^@\s<>]+@[^@\s<>]+$", a):
                raise ValueError(f"{a!r} is not an email address")
        return v

    @field_validator("subject")
    @classmethod
    def _subject(cls, v: str) -> str:
        check_template(v)
        return v

    def describe(self) -> str:
        return "email " + ", ".join(self.to)


class StdoutAction(_Model):
    type: Literal["stdout"]
    template: str = "[{severity}] {status} {rule}: {message}"

    @field_validator("template")
    @classmethod
    def _tpl(cls, v: str) -> str:
        check_template(v)
        return v

    def describe(self) -> str:
        return "stdout"


class VSCodeAction(_Model):
    type: Literal["vscode"]

    def describe(self) -> str:
        return "vscode"


Action = Annotated[
    WebhookAction | EmailAction | StdoutAction | VSCodeAction, Field(discriminator="type")
]


class SmtpSettings(_Model):
    host: str = "localhost"
    port: int | None = None  # 587 for starttls, 465 for ssl, 25 for none
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: str | None = None  # prefer password_env
    username_env: str = "EMPATHY_SMTP_USERNAME"
    password_env: str = "EMPATHY_SMTP_PASSWORD"
    from_addr: str = "empathy-alerts@localhost"
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    ca_file: str | None = None  # a private CA for a self-hosted relay

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return {"starttls": 587, "ssl": 465, "none": 25}[self.security]


class Settings(_Model):
    allow_private_network: bool = False
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
