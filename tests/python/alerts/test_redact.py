"""The one masking helper: every form a secret takes in a library's error text is masked."""

from __future__ import annotations

import pytest

from empathy_monitor.redact import check_header, mask, mask_userinfo, redact_url, url_secrets


def test_mask_catches_raw_stripped_and_repr_forms() -> None:
    secret = "Bearer tok-1234567890\n"
    err = f"ValueError: Invalid header value {secret.encode()!r}"
    assert "tok-1234567890" in err
    out = mask(err, [secret])
    assert out is not None and "tok-1234567890" not in out and "***" in out
    assert mask("pw=hunter22 seen", ["hunter22"]) == "pw=*** seen"
    assert mask(None, ["x"]) is None
    assert mask("a b", ["", None, "a"]) == "a b"  # too short to be a secret


def test_urls() -> None:
    url = "http://bob:pa55word@host:badport/p/TOKEN-abcdefgh?k=QUERYSECRET"
    assert mask_userinfo(url) == "http://***@host:badport/p/TOKEN-abcdefgh?k=QUERYSECRET"
    assert mask_userinfo("bob:pw@host:1") == "***@host:1"
    assert mask_userinfo("http://host/x") == "http://host/x"
    assert redact_url(url) == "http://host:badport/…"
    secrets = url_secrets(url)
    assert "pa55word" in secrets and "TOKEN-abcdefgh" in secrets and "QUERYSECRET" in secrets


@pytest.mark.parametrize(
    ("name", "value"),
    [("X-Key", "v\n"), ("X-Key", "a\r\nInjected: 1"), ("X Key", "v"), ("X-Key\n", "v")],
)
def test_bad_headers_refused_naming_the_header_only(name: str, value: str) -> None:
    with pytest.raises(ValueError) as err:
        check_header(name, value, "headers")
    assert "X" in str(err.value) and "Injected" not in str(err.value)
    assert "'v" not in str(err.value)


def test_good_headers_pass() -> None:
    check_header("Authorization", "Bearer abc\tdef", "headers")
    check_header("x-api-key", "", "headers")
