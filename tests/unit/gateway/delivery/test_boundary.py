"""Every transport library exception is translated into a coded delivery error, from the original."""

from __future__ import annotations

import httpx
import pytest

from samband.gateway.delivery.transports.boundary import EXCEPTION_MAP, delivery_errors, to_delivery_error
from samband.kernel.errors import DeliveryError, DeliveryRefused, DeliveryUnavailable


def _subclasses(cls: type[BaseException]) -> set[type[BaseException]]:
    found: set[type[BaseException]] = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _instance(cls: type[BaseException]) -> BaseException:
    try:
        return cls("boom")
    except TypeError:
        return cls("boom", request=httpx.Request("POST", "http://127.0.0.1/"))  # type: ignore[call-arg]


def _name(cls: type[BaseException]) -> str:
    return cls.__name__


# HTTPStatusError comes only from raise_for_status(), which the transports never call.
HTTPX_ERRORS = sorted((c for c in _subclasses(httpx.HTTPError) if c is not httpx.HTTPStatusError), key=_name)


@pytest.mark.parametrize("exc_type", HTTPX_ERRORS, ids=_name)
def test_every_httpx_error_is_mapped(exc_type: type[BaseException]) -> None:
    mapped = to_delivery_error(_instance(exc_type), "http://127.0.0.1/")
    assert isinstance(mapped, DeliveryError)
    assert mapped.code.startswith("delivery.")


def test_most_specific_mapping_wins() -> None:
    timeout = to_delivery_error(httpx.ReadTimeout("slow"), None)
    assert timeout is not None and timeout.code == "delivery.timeout"
    bad_url = to_delivery_error(httpx.UnsupportedProtocol("ftp"), None)
    assert isinstance(bad_url, DeliveryRefused)


def test_the_map_is_ordered_most_specific_first() -> None:
    for index, (exc_type, *_rest) in enumerate(EXCEPTION_MAP):
        for later, *_others in EXCEPTION_MAP[index + 1 :]:
            assert not issubclass(later, exc_type), f"{later.__name__} is shadowed by {exc_type.__name__}"


def test_context_manager_chains_the_original() -> None:
    original = httpx.ConnectError("refused")
    with pytest.raises(DeliveryUnavailable) as caught, delivery_errors("http://127.0.0.1:9/"):
        raise original
    assert caught.value.__cause__ is original
    assert caught.value.where == "http://127.0.0.1:9/"


def test_delivery_errors_and_foreign_bugs_pass_through() -> None:
    with pytest.raises(DeliveryRefused), delivery_errors(None):
        raise DeliveryRefused("already coded")
    with pytest.raises(KeyError), delivery_errors(None):
        raise KeyError("a bug, not a delivery problem")
