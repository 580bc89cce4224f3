"""Write a per-user service that runs ``empathy alerts watch``: systemd user unit or launchd plist.

Only files are written; the user starts the service with the command we print (we never run
``systemctl`` or ``launchctl`` ourselves).
"""

from __future__ import annotations

import hashlib
import shlex
import sys
from pathlib import Path
from xml.sax.saxutils import escape


def _slug(directory: Path) -> str:
    return hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:8]


def watch_command(directory: Path, python: str | None = None) -> list[str]:
    return [
        python or sys.executable,
        "-m",
        "empathy_monitor",
        "alerts",
        "watch",
        "--dir",
        str(directory.resolve()),
    ]


def render_systemd(directory: Path, python: str | None = None) -> str:
    cmd = " ".join(shlex.quote(a) for a in watch_command(directory, python))
    return (
        "[Unit]\n"
        f"Description=Empathy Telemetry alerts for {directory.resolve()}\n\n"
        "[Service]\n"
        "Type=simple\n"
        f"WorkingDirectory={directory.resolve().parent}\n"
        f"ExecStart={cmd}\n"
        "Restart=on-failure\n"
        "RestartSec=10\n\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def render_launchd(label: str, directory: Path, python: str | None = None) -> str:
    args = "\n".join(f"    <string>{escape(a)}</string>" for a in watch_command(directory, python))
    log = escape(str(directory.resolve() / "alerts-watch.log"))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
        '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        '<plist version="1.0">\n<dict>\n'
        f"  <key>Label</key>\n  <string>{escape(label)}</string>\n"
        f"  <key>ProgramArguments</key>\n  <array>\n{args}\n  </array>\n"
        f"  <key>WorkingDirectory</key>\n  <string>{escape(str(directory.resolve().parent))}</string>\n"
        "  <key>RunAtLoad</key>\n  <true/>\n"
        "  <key>KeepAlive</key>\n  <dict><key>SuccessfulExit</key><false/></dict>\n"
        f"  <key>StandardErrorPath</key>\n  <string>{log}</string>\n"
        "</dict>\n</plist>\n"
    )


def install_service(
    directory: Path,
    *,
    platform: str | None = None,
    home: Path | None = None,
    python: str | None = None,
) -> tuple[Path, str]:
    """Write the unit/plist; returns (path written, the command that starts it)."""
    platform = platform or sys.platform
    home = home or Path.home()
    slug = _slug(directory)
    if platform == "darwin":
        label = f"dev.empathy.alerts.{slug}"
        path = home / "Library" / "LaunchAgents" / f"{label}.plist"
        text = render_launchd(label, directory, python)
        start = f"launchctl load -w {shlex.quote(str(path))}"
    else:
        name = f"empathy-alerts-{slug}.service"
        path = home / ".config" / "systemd" / "user" / name
        text = render_systemd(directory, python)
        start = f"systemctl --user daemon-reload && systemctl --user enable --now {name}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, start
