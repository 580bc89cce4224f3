"""``empathy.codeLens.*`` in extension/package.json and ``Settings.codeLens`` agree (convention 5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest

from empathy_monitor.sidecar import protocol as P
from empathy_monitor.sidecar.settings import CodeLensSettings, Settings, parse

REPO = Path(__file__).resolve().parents[3]


def test_package_json_and_settings_agree() -> None:
    props = json.loads((REPO / "extension/package.json").read_text())["contributes"][
        "configuration"
    ]["properties"]
    fields = CodeLensSettings.model_fields
    declared = sorted(k.removeprefix("empathy.codeLens.") for k in props if "codeLens." in k)
    assert declared == sorted(fields)
    enabled, rng = props["empathy.codeLens.enabled"], props["empathy.codeLens.range"]
    assert enabled["type"] == "boolean" and enabled["default"] is fields["enabled"].default
    assert rng["default"] == fields["range"].default
    assert rng["enum"] == list(get_args(fields["range"].annotation))
    assert rng["enum"] == list(get_args(P.LensRange))  # what codeLenses accepts


def test_the_sidecar_takes_the_settings_as_vscode_sends_them() -> None:
    s = parse({"codeLens": {"enabled": False, "range": "30d"}})
    assert s.codeLens == CodeLensSettings(enabled=False, range="30d")
    assert Settings().codeLens.range == "7d"
    with pytest.raises(ValueError, match=r"codeLens\.range"):
        parse({"codeLens": {"range": "all"}})
