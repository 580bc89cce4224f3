"""The pygls server: a protocol subclass that keeps custom params as dicts, and thin handlers.

pygls turns the params of methods it does not know into namedtuples; ``EmpathyProtocol`` keeps
them as plain dicts so each handler validates them with its pydantic model and replies with
``model_dump(mode="json")``. Validation errors become JSON-RPC ``InvalidParams`` errors that name
the field; any other exception in a handler becomes an error response, never a dead server.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import cattrs
from lsprotocol import types as lsp
from lsprotocol.types import ResponseError
from pydantic import ValidationError
from pygls.exceptions import JsonRpcInvalidParams
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol

from .. import __version__
from ..validation import describe
from . import protocol as P
from .export import ExportRefused
from .framing import FrameReader
from .service import Service
from .settings import Settings, parse

log = logging.getLogger(__name__)
CUSTOM_PREFIX = "empathy/"


@dataclass(frozen=True)
class Rejected:
    """A request or notification whose LSP params failed validation (answered, never run)."""

    has_id: bool
    id: Any
    method: str
    message: str


def _summary(exc: Exception) -> str:
    if isinstance(exc, cattrs.ClassValidationError):
        return "; ".join(cattrs.transform_error(exc, path="params")[:3])
    return f"{type(exc).__name__}: {exc}"


class EmpathyProtocol(LanguageServerProtocol):
    """Leaves ``empathy/*`` params as the dicts the client sent (no namedtuples).

    Standard LSP messages are structured here too, not by pygls: its ``structure_message`` logs
    a traceback and raises out of the reader when params do not fit (``textDocument/hover``
    with ``{}``), so the request never got a reply. Here it becomes one log line and an
    ``InvalidParams`` error reply.
    """

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
        if "jsonrpc" in data and isinstance(method, str) and "error" not in data:
            fallback = JsonRPCRequestMessage if "id" in data else JsonRPCNotification
            typ = self.get_message_type(method) or fallback
            try:
                return self._converter.structure(data, typ)
            except Exception as exc:
                why = _summary(exc)
                log.warning("%s: invalid params: %s", method, why)
                return Rejected("id" in data, data.get("id"), method, f"{method}: {why}")
        return super().structure_message(data)

    def handle_message(self, message: Any) -> None:
        if isinstance(message, Rejected):
            if message.has_id:
                err = ResponseError(code=JsonRpcInvalidParams.CODE, message=message.message)
                self._send_response(message.id, error=err)
            return
        super().handle_message(message)


def _invalid(what: str, exc: ValidationError | ValueError) -> JsonRpcInvalidParams:
    msg = describe(exc, what) if isinstance(exc, ValidationError) else str(exc)
    return JsonRpcInvalidParams(message=msg)


Call = Callable[[Service, Any], Awaitable[dict[str, Any]]]

# Each custom request and the Service coroutine that answers it. The params model comes from
# P.REQUEST_TYPES, the same table the TypeScript types are generated from, so they cannot drift.
ROUTES: dict[str, Call] = {
    P.SNAPSHOT: Service.snapshot,
    P.ACTIVITY: Service.activity,
    P.EXPORT_CSV: Service.export_csv,
    P.RESOLVE_SOURCE: Service.resolve_source,
    P.GENERATE_DEMO: Service.generate_demo,
    P.REFRESH: lambda svc, _: svc.refresh(),
    P.CLEAR_HISTORY: lambda svc, _: svc.clear_history(),
    P.UNDO_CLEAR_HISTORY: Service.undo_clear_history,
    P.ALERTS: lambda svc, _: svc.alerts_status(),
    P.TEST_ALERT: Service.test_alert,
    P.CHECK_ALERTS: lambda svc, _: svc.check_alerts(),
    P.INIT_ALERTS: Service.init_alerts,
    P.ALERT_METRICS: lambda svc, _: svc.alert_metrics(),
    P.CALL_DETAIL: Service.call_detail,
    P.SET_BUDGET: Service.set_budget,
    P.CODE_LENSES: Service.code_lenses,
    P.ADD_PRICE: Service.add_price,
    P.DIMENSION_VALUES: Service.dimension_values,
    P.ENABLE_SOURCE: Service.enable_source,
}


def validated(method: str, call: Call) -> Callable[..., Any]:
    """A handler: dict params -> the method's params model -> ``call``; bad params -> InvalidParams."""
    model = P.REQUEST_TYPES[method][0]

    # No functools.wraps: pygls reads the signature to decide whether to pass ``ls``.
    async def handler(ls: EmpathyServer, params: Any) -> dict[str, Any]:
        if not isinstance(params, (dict, type(None))):
            raise JsonRpcInvalidParams(message=f"{method}: params must be an object")
        try:
            p = model.model_validate(params or {})
        except ValidationError as exc:
            raise _invalid(method, exc) from exc
        try:
            return await call(ls.service_or_raise(), p)
        except (ValueError, ExportRefused) as exc:  # bad dates, paths outside the workspace
            raise JsonRpcInvalidParams(message=f"{method}: {exc}") from exc

    handler.__name__ = handler.__qualname__ = method.replace("/", "_")
    return handler


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

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:
        """Serve stdio with :class:`FrameReader` (pygls's reader goes deaf after one bad frame)."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        reader = FrameReader((stdin or sys.stdin.buffer).fileno(), self.protocol, self._stop_event)
        try:
            asyncio.run(reader.run())
        except BrokenPipeError:
            log.error("the client closed the connection; shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

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

    for method, call in ROUTES.items():
        server.feature(method)(validated(method, call))

    return server
