"""``empathy otel export|status`` through argparse, and the message without the otel extra."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from otel_helpers import write_calls
from otel_receivers import GrpcReceiver

from empathy_monitor.otel import cli

REPO = Path(__file__).resolve().parents[3]


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="empathy")
    cli.register(p.add_subparsers(dest="command"))
    return p.parse_args(argv)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for k in (
        "EMPATHY_OTEL_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "OTEL_EXPORTER_OTLP_HEADERS",
        "OTEL_SERVICE_NAME",
        "OTEL_RESOURCE_ATTRIBUTES",
    ):
        monkeypatch.delenv(k, raising=False)
    return monkeypatch


def test_export_once_then_status(
    clean_env: pytest.MonkeyPatch,
    grpc_receiver: GrpcReceiver,
    tdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_calls(tdir, 7)
    clean_env.setenv("EMPATHY_OTEL_ENDPOINT", grpc_receiver.endpoint)
    clean_env.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=hidden-value")
    args = _parse(["otel", "export", "--once", "--dir", str(tdir)])
    assert args.func(args) == 0
    assert "exported 7 spans" in capsys.readouterr().out
    assert len(grpc_receiver.rec.spans()) == 7
    assert (tdir / "otel_cursor.json").exists()

    write_calls(tdir, 2, start=7)
    args = _parse(["otel", "status", "--dir", str(tdir), "--json"])
    assert args.func(args) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["config"]["endpoint"] == grpc_receiver.endpoint
    assert st["config"]["headers"] == ["x-api-key"]
    assert st["backlog_lines"] == 2
    assert st["spans_exported"] == 7
    assert st["otel_installed"] is True
    assert st["last_error"] is None

    args = _parse(["otel", "status", "--dir", str(tdir)])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "backlog:      2 lines" in out
    assert "hidden-value" not in out and "x-api-key (values hidden)" in out


def test_export_without_endpoint_says_how(
    clean_env: pytest.MonkeyPatch, tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _parse(["otel", "export", "--once", "--dir", str(tdir)])
    assert args.func(args) == 2
    assert "EMPATHY_OTEL_ENDPOINT" in capsys.readouterr().err
    args = _parse(["otel", "status", "--dir", str(tdir)])
    assert args.func(args) == 0
    assert "not set (export is off)" in capsys.readouterr().out


def test_export_failure_exits_nonzero_and_status_shows_the_error(
    clean_env: pytest.MonkeyPatch, tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from otel_helpers import free_port

    write_calls(tdir, 1)
    clean_env.setenv("EMPATHY_OTEL_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    clean_env.setenv("EMPATHY_OTEL_TIMEOUT", "0.5")
    args = _parse(["otel", "export", "--once", "--dir", str(tdir)])
    assert args.func(args) == 1
    assert "export stopped" in capsys.readouterr().err
    args = _parse(["otel", "status", "--dir", str(tdir)])
    args.func(args)
    assert "last error:" in capsys.readouterr().out


def test_bad_config_is_one_line_error(
    clean_env: pytest.MonkeyPatch, tdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean_env.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")
    args = _parse(["otel", "status", "--dir", str(tdir)])
    assert args.func(args) == 2
    assert "supported protocols are grpc and http/protobuf" in capsys.readouterr().err


def test_without_the_otel_extra_the_command_says_how_to_install(tdir: Path) -> None:
    # Block every opentelemetry import in a fresh interpreter, as if the extra were absent.
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'opentelemetry' or name.startswith('opentelemetry.'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import empathy_monitor.otel.cli as c, empathy_monitor.otel.exporter\n"
        "import empathy_monitor.otel.backends, empathy_monitor.otel.mapping\n"
        f"sys.exit(c.main(['otel', 'export', '--once', '--dir', {str(tdir)!r}]))\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={"EMPATHY_OTEL_ENDPOINT": "http://127.0.0.1:1", "PATH": ""},
        timeout=60,
    )
    assert p.returncode == cli.EXIT_NO_EXTRA, p.stderr
    assert "pip install 'empathy-monitor[otel]'" in p.stderr
