"""``empathy otel export`` without ``--once``: a real child process follows the files and stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from otel_helpers import write_calls
from otel_receivers import GrpcReceiver

REPO = Path(__file__).resolve().parents[3]


def _wait_for(pred: object, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_follow_mode_exports_new_lines_and_exits_on_sigterm(
    grpc_receiver: GrpcReceiver, tmp_path: Path
) -> None:
    ws = tmp_path / "ws"
    tdir = ws / ".attune"  # only .attune exists: the default directory falls back to it
    tdir.mkdir(parents=True)
    write_calls(tdir, 3)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "EMPATHY_OTEL"))}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "python"), env.get("PYTHONPATH", "")])
    env["EMPATHY_OTEL_ENDPOINT"] = grpc_receiver.endpoint
    proc = subprocess.Popen(
        [sys.executable, "-m", "empathy_monitor", "otel", "export", "--interval", "0.1"],
        cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert _wait_for(lambda: len(grpc_receiver.rec.spans()) >= 3), "first lines not exported"
        write_calls(tdir, 2, start=3)
        assert _wait_for(lambda: len(grpc_receiver.rec.spans()) >= 5), "appended lines not exported"
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Ctrl-C to stop" in err
    assert len(grpc_receiver.rec.spans()) == 5  # nothing sent twice
    assert (tdir / "otel_cursor.json").exists()
