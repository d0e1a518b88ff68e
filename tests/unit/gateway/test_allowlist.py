"""The replay allow-list: how a URL is matched against ``SAMBAND_REPLAY_ALLOWED_ENDPOINTS``, the
development default (loopback only), and the URLs refused whatever the list says."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from samband.gateway.allowlist import refusal
from samband.gateway.settings import Settings

LISTED = ["https://test.kommune.example/fhir/", "http://10.1.2.3:8080/in", "https://exact.example/hook?k=1"]


@pytest.mark.parametrize(
    "url",
    [
        "https://test.kommune.example/fhir/",
        "https://test.kommune.example/fhir/Bundle",
        "https://TEST.kommune.example:443/fhir/a/b?x=1",  # host case and the default port do not matter
        "http://10.1.2.3:8080/in",
        "https://exact.example/hook?k=1",
    ],
)
def test_urls_on_the_list_are_allowed(url: str) -> None:
    assert refusal(url, LISTED, development=False) is None


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://test.kommune.example/fhir/Bundle", "not in"),  # another scheme
        ("https://test.kommune.example:8443/fhir/Bundle", "not in"),  # another port
        ("https://test.kommune.example.evil.example/fhir/", "not in"),  # another host
        ("https://test.kommune.example/fhirx", "not in"),  # not under the prefix
        ("https://test.kommune.example/fhir", "not in"),  # the prefix is /fhir/, with its slash
        ("http://10.1.2.3:8080/in/more", "not in"),  # an exact entry is exact
        ("http://10.1.2.3:8080/in?x=1", "not in"),
        ("https://exact.example/hook", "not in"),
        ("https://test.kommune.example/fhir/../admin", "'..'"),
        ("https://test.kommune.example/fhir/%2e%2E/admin", "'..'"),
        ("https://test.kommune.example/fhir/..%2Fadmin", "encoded slash"),
        ("https://user:pw@test.kommune.example/fhir/", "credentials"),
        ("https://test.kommune.example/fhir/#x", "fragment"),
        ("ftp://test.kommune.example/fhir/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("/var/spool/samband", "scheme"),
        ("https:///fhir/", "no host"),
        ("https://test.kommune.example:99999/fhir/", "not a valid URL"),
    ],
)
def test_other_urls_are_refused_saying_why(url: str, why: str) -> None:
    reason = refusal(url, LISTED, development=False)
    assert reason is not None and why in reason


def test_without_a_list_only_development_mode_allows_and_only_loopback() -> None:
    for url in ("http://127.0.0.1:9000/x", "http://localhost/", "https://[::1]:8443/in", "http://127.8.9.1/"):
        assert refusal(url, [], development=True) is None
        assert refusal(url, [], development=False) is not None
    assert refusal("https://test.kommune.example/fhir/", [], development=True) is not None
    assert refusal("file:///tmp/out", [], development=True) is not None


def test_a_list_replaces_the_development_default() -> None:
    assert refusal("http://127.0.0.1:9000/x", ["http://127.0.0.1:9001/"], development=True) is not None
    assert refusal("http://127.0.0.1:9001/x", ["http://127.0.0.1:9001/"], development=True) is None


def test_the_setting_is_a_comma_separated_list_of_checked_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "SAMBAND_REPLAY_ALLOWED_ENDPOINTS", " https://a.example/fhir/ , http://b.example:8080/in "
    )
    assert Settings().replay_allowed_endpoints == ["https://a.example/fhir/", "http://b.example:8080/in"]
    monkeypatch.setenv("SAMBAND_REPLAY_ALLOWED_ENDPOINTS", "")
    assert Settings().replay_allowed_endpoints == []
    for bad in ("ftp://a.example/", "https://u:p@a.example/", "https://a.example/x/?q=1", "a.example/fhir/"):
        monkeypatch.setenv("SAMBAND_REPLAY_ALLOWED_ENDPOINTS", bad)
        with pytest.raises(ValidationError, match="replay allow-list entry"):
            Settings()
