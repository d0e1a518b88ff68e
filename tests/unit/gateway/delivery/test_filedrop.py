"""File-drop delivery into a real temp folder: atomic, named by message id, never overwriting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from samband.gateway.delivery.transports.filedrop import FileDropTransport, file_name
from samband.kernel.errors import DeliveryRefused, DeliveryUnavailable, is_permanent
from tests.unit.gateway.delivery.factories import make_request, make_route


@pytest.fixture
def drop(tmp_path: Path) -> FileDropTransport:
    return FileDropTransport(make_route(transport="file-drop", endpoint=str(tmp_path)))


def test_payload_lands_complete_under_the_message_id(drop: FileDropTransport, tmp_path: Path) -> None:
    request = make_request(drop.route)
    receipt = drop.send(request)
    assert receipt.remote_id == "out-0001.json"
    assert (tmp_path / "out-0001.json").read_bytes() == request.payload
    assert os.listdir(tmp_path) == ["out-0001.json"]  # no temp file left behind


@pytest.mark.parametrize(
    ("content_type", "suffix"),
    [("application/xml; charset=utf-8", ".xml"), ("text/xml", ".xml"), ("application/octet-stream", ".bin")],
)
def test_suffix_follows_the_content_type(drop: FileDropTransport, content_type: str, suffix: str) -> None:
    assert file_name(make_request(drop.route, content_type=content_type)).endswith(suffix)


def test_unsafe_characters_in_the_id_never_leave_the_folder(drop: FileDropTransport, tmp_path: Path) -> None:
    request = make_request(drop.route, message_id="../../etc/passwd")
    drop.send(request)
    [written] = os.listdir(tmp_path)
    assert "/" not in written and not written.startswith(".")
    assert (tmp_path / written).read_bytes() == request.payload


def test_the_same_payload_again_is_a_no_op(drop: FileDropTransport, tmp_path: Path) -> None:
    drop.send(make_request(drop.route))
    receipt = drop.send(make_request(drop.route, attempt=2))
    assert "already delivered" in receipt.detail
    assert os.listdir(tmp_path) == ["out-0001.json"]


def test_a_different_payload_never_overwrites(drop: FileDropTransport, tmp_path: Path) -> None:
    drop.send(make_request(drop.route))
    with pytest.raises(DeliveryRefused) as caught:
        drop.send(make_request(drop.route, payload=b'{"changed": true}'))
    assert caught.value.code == "delivery.file-exists"
    assert is_permanent(caught.value)
    assert (tmp_path / "out-0001.json").read_bytes() == make_request(drop.route).payload


def test_a_missing_folder_is_transient_and_never_created(tmp_path: Path) -> None:
    missing = tmp_path / "share-not-mounted"
    drop = FileDropTransport(make_route(transport="file-drop", endpoint=str(missing)))
    with pytest.raises(DeliveryUnavailable) as caught:
        drop.send(make_request(drop.route))
    assert caught.value.code == "delivery.folder-missing"
    assert not missing.exists()


def test_an_unwritable_folder_is_transient(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    tmp_path.chmod(0o500)
    try:
        drop = FileDropTransport(make_route(transport="file-drop", endpoint=str(tmp_path)))
        with pytest.raises(DeliveryUnavailable) as caught:
            drop.send(make_request(drop.route))
        assert caught.value.code == "delivery.io-error"
    finally:
        tmp_path.chmod(0o700)


def test_something_else_in_the_way_is_transient(drop: FileDropTransport, tmp_path: Path) -> None:
    (tmp_path / "out-0001.json").mkdir()  # an operator's folder where the file should go
    with pytest.raises(DeliveryUnavailable) as caught:
        drop.send(make_request(drop.route))
    assert caught.value.code == "delivery.io-error"
    assert [p.name for p in tmp_path.iterdir()] == ["out-0001.json"]


def test_endpoint_override_picks_another_folder(drop: FileDropTransport, tmp_path: Path) -> None:
    other = tmp_path / "test-folder"
    other.mkdir()
    drop.send(make_request(drop.route, endpoint=str(other)))
    assert os.listdir(other) == ["out-0001.json"]


def test_a_route_without_a_folder_is_refused() -> None:
    drop = FileDropTransport(make_route(transport="file-drop", endpoint=None))
    with pytest.raises(DeliveryRefused):
        drop.send(make_request(drop.route))
