"""The pygls server: a protocol subclass that keeps custom params as dicts, and thin handlers.

pygls turns the params of methods it does not know into namedtuples; ``EmpathyProtocol`` keeps
them as plain dicts so each handler validates them with its pydantic model and replies with
``model_dump(mode="json")``. Validation errors become JSON-RPC ``InvalidParams`` errors that name
the field; any other exception in a handler becomes an error response, never a dead server.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp
from pydantic import BaseModel, ValidationError
from pygls.exceptions import JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol

from .. import __version__
from . import protocol as P
from .export import ExportRefused
from .service import Service
from .settings import Settings, describe, parse

log = logging.getLogger(__name__)
M = TypeVar("M", bound=BaseModel)
CUSTOM_PREFIX = "empathy/"


class EmpathyProtocol(LanguageServerProtocol):
    """Leaves ``empathy/*`` params as the dicts the client sent (no namedtuples)."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        method = data.get("method")
        if "jsonrpc" in data and isinstance(method, str) and method.startswith(CUSTOM_PREFIX):
            if "id" in data:
                return JsonRPCRequestMessage(
                    id=data["id"], method=method, jsonrpc=data["jsonrpc"], params=data.get("params")
                )
            return JsonRPCNotification(
                method=method, jsonrpc=data["jsonrpc"], params=data.get("params")
            )
        return super().structure_message(data)


def _invalid(what: str, exc: ValidationError | ValueError) -> JsonRpcInvalidParams:
    msg = describe(exc, what) if isinstance(exc, ValidationError) else str(exc)
    return JsonRpcInvalidParams(message=msg)


def validated(
    model: type[M], method: str
) -> Callable[[Callable[[Service, M], Awaitable[dict[str, Any]]]], Callable[..., Any]]:
    """Decorator: dict params -> ``model`` -> the service call; bad params -> InvalidParams."""

    def deco(fn: Callable[[Service, M], Awaitable[dict[str, Any]]]) -> Callable[..., Any]:
        # No functools.wraps: pygls reads the signature to decide whether to pass ``ls``.
        async def handler(ls: EmpathyServer, params: Any) -> dict[str, Any]:
            if not isinstance(params, (dict, type(None))):
                raise JsonRpcInvalidParams(message=f"{method}: params must be an object")
            try:
                p = model.model_validate(params or {})
            except ValidationError as exc:
                raise _invalid(method, exc) from exc
            try:
                return await fn(ls.service_or_raise(), p)
            except (ValueError, ExportRefused) as exc:  # bad dates, paths outside the workspace
                raise JsonRpcInvalidParams(message=f"{method}: {exc}") from exc

        handler.__name__ = handler.__qualname__ = fn.__name__
        handler.__doc__ = fn.__doc__
        return handler

    return deco


def workspace_of(params: lsp.InitializeParams) -> Path:
    uri = None
    if params.workspace_folders:
        uri = params.workspace_folders[0].uri
    elif params.root_uri:
        uri = params.root_uri
    if uri:
        parsed = urlparse(uri)
        if parsed.scheme == "file":
            return Path(unquote(parsed.path))
    if params.root_path:
        return Path(params.root_path)
    return Path.cwd()


class EmpathyServer(LanguageServer):
    """The sidecar. ``service`` exists once ``initialize`` accepted the options."""

    def __init__(self) -> None:
        super().__init__(
            "empathy-sidecar",
            __version__,
            text_document_sync_kind=lsp.TextDocumentSyncKind.None_,
            protocol_cls=EmpathyProtocol,
        )
        self.service: Service | None = None

    def service_or_raise(self) -> Service:
        if self.service is None:
            raise JsonRpcInvalidParams(message="the sidecar is not initialized")
        return self.service

    def send(self, method: str, params: dict[str, Any]) -> None:
        """Notify the client (event-loop thread only: pygls's writer has no lock)."""
        self.protocol.notify(method, params)

    def shutdown(self) -> None:
        super().shutdown()  # type: ignore[no-untyped-call]
        if self.service is not None:
            self.service.close_sync()


def build() -> EmpathyServer:
    server = EmpathyServer()

    @server.feature(lsp.INITIALIZE)
    async def initialize(ls: EmpathyServer, params: lsp.InitializeParams) -> None:
        try:
            settings = parse(params.initialization_options)
        except ValueError as exc:
            raise JsonRpcInvalidParams(message=str(exc)) from exc
        workspace = workspace_of(params).resolve()
        ls.service = Service(workspace, settings, ls.send)
        await ls.service.start()

    @server.feature(lsp.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: EmpathyServer, params: lsp.DidChangeConfigurationParams
    ) -> None:
        raw = params.settings
        if isinstance(raw, dict) and set(raw) == {"empathy"}:
            raw = raw["empathy"]
        try:
            settings: Settings = parse(raw, "settings")
        except ValueError as exc:
            log.error("ignoring new settings: %s", exc)
            ls.window_show_message(
                lsp.ShowMessageParams(type=lsp.MessageType.Error, message=f"Empathy: {exc}")
            )
            return
        await ls.service_or_raise().apply_settings(settings)

    @server.feature(lsp.SHUTDOWN)
    async def shutdown(ls: EmpathyServer, *_: Any) -> None:
        if ls.service is not None:
            await ls.service.close()

    @server.feature(P.SNAPSHOT)
    @validated(P.SnapshotParams, P.SNAPSHOT)
    async def snapshot(svc: Service, p: P.SnapshotParams) -> dict[str, Any]:
        return await svc.snapshot(p)

    @server.feature(P.ACTIVITY)
    @validated(P.ActivityParams, P.ACTIVITY)
    async def activity(svc: Service, p: P.ActivityParams) -> dict[str, Any]:
        return await svc.activity(p)

    @server.feature(P.EXPORT_CSV)
    @validated(P.ExportCsvParams, P.EXPORT_CSV)
    async def export(svc: Service, p: P.ExportCsvParams) -> dict[str, Any]:
        return await svc.export_csv(p)

    @server.feature(P.RESOLVE_SOURCE)
    @validated(P.ResolveSourceParams, P.RESOLVE_SOURCE)
    async def resolve_source(svc: Service, p: P.ResolveSourceParams) -> dict[str, Any]:
        return await svc.resolve_source(p)

    @server.feature(P.GENERATE_DEMO)
    @validated(P.GenerateDemoParams, P.GENERATE_DEMO)
    async def generate_demo(svc: Service, p: P.GenerateDemoParams) -> dict[str, Any]:
        return await svc.generate_demo(p)

    @server.feature(P.REFRESH)
    @validated(P.EmptyParams, P.REFRESH)
    async def refresh(svc: Service, _: P.EmptyParams) -> dict[str, Any]:
        return await svc.refresh()

    @server.feature(P.CLEAR_HISTORY)
    @validated(P.EmptyParams, P.CLEAR_HISTORY)
    async def clear_history(svc: Service, _: P.EmptyParams) -> dict[str, Any]:
        return await svc.clear_history()

    @server.feature(P.UNDO_CLEAR_HISTORY)
    @validated(P.UndoClearHistoryParams, P.UNDO_CLEAR_HISTORY)
    async def undo_clear_history(svc: Service, p: P.UndoClearHistoryParams) -> dict[str, Any]:
        return await svc.undo_clear_history(p)

    @server.feature(P.ALERTS)
    @validated(P.EmptyParams, P.ALERTS)
    async def alerts(svc: Service, _: P.EmptyParams) -> dict[str, Any]:
        return await svc.alerts_status()

    @server.feature(P.TEST_ALERT)
    @validated(P.TestAlertParams, P.TEST_ALERT)
    async def test_alert(svc: Service, p: P.TestAlertParams) -> dict[str, Any]:
        return await svc.test_alert(p)

    @server.feature(P.CHECK_ALERTS)
    @validated(P.EmptyParams, P.CHECK_ALERTS)
    async def check_alerts(svc: Service, _: P.EmptyParams) -> dict[str, Any]:
        return await svc.check_alerts()

    @server.feature(P.INIT_ALERTS)
    @validated(P.InitAlertsParams, P.INIT_ALERTS)
    async def init_alerts(svc: Service, p: P.InitAlertsParams) -> dict[str, Any]:
        return await svc.init_alerts(p)

    return server
