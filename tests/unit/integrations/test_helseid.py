"""DPoP pieces that need no server: the replay cache's bounds and the htu comparison."""

from __future__ import annotations

from samband.integrations.helseid.dpop import ReplayCache, same_url, token_hash


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_jti_is_taken_once_while_its_proof_could_be_taken() -> None:
    clock = Clock()
    cache = ReplayCache(capacity=3, clock=clock)
    assert cache.spend("a", until=1060) and not cache.spend("a", until=1060)
    clock.now = 1061
    assert cache.spend("a", until=1121), "past its window the proof is refused on iat anyway"


def test_the_cache_is_bounded_and_drops_expired_entries_first() -> None:
    clock = Clock()
    cache = ReplayCache(capacity=3, clock=clock)
    for jti in ("a", "b", "c", "d"):
        assert cache.spend(jti, until=1060)
    assert len(cache) == 3 and cache.spend("a", until=1060), "the oldest went when full"
    clock.now = 1100
    assert cache.spend("e", until=1160) and len(cache) == 1


def test_htu_compares_scheme_and_host_case_insensitively_without_query_or_default_port() -> None:
    assert same_url("HTTPS://Samband.Example:443/messages?x=1#f", "https://samband.example/messages")
    assert same_url("http://127.0.0.1:8080/messages", "http://127.0.0.1:8080/messages")
    assert not same_url("http://127.0.0.1:8080/messages", "http://127.0.0.1:8081/messages")
    assert not same_url("http://samband.example/messages", "https://samband.example/messages")
    assert not same_url("https://samband.example/Messages", "https://samband.example/messages")
    assert not same_url("https://samband.example:x/messages", "https://samband.example/messages")


def test_ath_is_the_base64url_sha256_of_the_token() -> None:
    # RFC 9449 §7.1 example: the access token and its hash
    token = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
    assert token_hash(token) == "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
