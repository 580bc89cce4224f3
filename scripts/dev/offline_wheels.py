"""Downloads every dependency wheel the project needs on one platform, for CPython 3.10-3.13.

Used by ``scripts/build_vsix --target``. ``pip download --python-version`` evaluates environment
markers against the interpreter running pip, not the target (so ``exceptiongroup; python_version
< '3.11'`` would be missed for 3.10); this walks the requirements itself, evaluating each marker
for the target, and fetches each one with ``--no-deps``.

Usage: offline_wheels.py TARGET DEST REQUIREMENT_OR_WHEEL... (TARGET: a VS Code target, e.g. linux-x64).
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PYTHONS = ("3.10", "3.11", "3.12", "3.13")

# VS Code target -> (pip --platform tags, sys_platform, platform_system, platform_machine)
TARGETS: dict[str, tuple[list[str], str, str, str]] = {
    "linux-x64": (
        [
            "manylinux_2_28_x86_64",
            "manylinux_2_17_x86_64",
            "manylinux2014_x86_64",
            "manylinux_2_5_x86_64",
            "manylinux1_x86_64",
        ],
        "linux",
        "Linux",
        "x86_64",
    ),
    "linux-arm64": (
        ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
        "linux",
        "Linux",
        "aarch64",
    ),
    "alpine-x64": (["musllinux_1_2_x86_64", "musllinux_1_1_x86_64"], "linux", "Linux", "x86_64"),
    "darwin-x64": (["macosx_10_13_x86_64", "macosx_10_9_x86_64"], "darwin", "Darwin", "x86_64"),
    "darwin-arm64": (["macosx_11_0_arm64"], "darwin", "Darwin", "arm64"),
    "win32-x64": (["win_amd64"], "win32", "Windows", "AMD64"),
    "win32-arm64": (["win_arm64"], "win32", "Windows", "ARM64"),
}


def marker_env(python: str, target: str) -> dict[str, str]:
    _, sys_platform, system, machine = TARGETS[target]
    env: dict[str, str] = {k: str(v) for k, v in default_environment().items()}
    env.update(
        python_version=python,
        python_full_version=f"{python}.0",
        implementation_name="cpython",
        platform_python_implementation="CPython",
        sys_platform=sys_platform,
        platform_system=system,
        platform_machine=machine,
        os_name="nt" if sys_platform == "win32" else "posix",
        extra="",
    )
    return env


def wheel_requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(name).decode("utf-8"))
    return meta.get_all("Requires-Dist") or []


def wheel_name(wheel: Path) -> str:
    return canonicalize_name(wheel.name.split("-")[0])


def download(python: str, target: str, dest: Path, reqs: list[str]) -> None:
    platforms = TARGETS[target][0]
    abi = "cp" + python.replace(".", "")
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    cmd += [
        "--no-deps",
        "--only-binary=:all:",
        "--python-version",
        python,
        "--implementation",
        "cp",
    ]
    cmd += ["--abi", abi, "--abi", "abi3", "--abi", "none"]
    for p in platforms:
        cmd += ["--platform", p]
    subprocess.run([*cmd, "-d", str(dest), *reqs], check=True)


def fetch(python: str, target: str, dest: Path, roots: list[str]) -> None:
    env = marker_env(python, target)
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        batch: list[str] = []
        for text in todo:
            req = Requirement(text)
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            key = f"{canonicalize_name(req.name)}{req.specifier}"
            if key not in seen:
                seen.add(key)
                batch.append(f"{req.name}{req.specifier}")
        todo = []
        if not batch:
            break
        before = {w.name for w in dest.glob("*.whl")}
        download(python, target, dest, batch)
        names = {canonicalize_name(Requirement(b).name) for b in batch}
        for wheel in dest.glob("*.whl"):
            if wheel.name not in before or wheel_name(wheel) in names:
                todo.extend(wheel_requirements(wheel))


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] not in TARGETS:
        sys.stderr.write(f"usage: offline_wheels.py {{{','.join(TARGETS)}}} DEST REQUIREMENT...\n")
        return 2
    target, dest = argv[0], Path(argv[1])
    # A wheel given as a root stands for its own requirements (the project wheel itself ships apart).
    roots = [
        r for a in argv[2:] for r in (wheel_requirements(Path(a)) if a.endswith(".whl") else [a])
    ]
    dest.mkdir(parents=True, exist_ok=True)
    for python in PYTHONS:
        sys.stderr.write(f"offline_wheels: {target} CPython {python}\n")
        fetch(python, target, dest, roots)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
