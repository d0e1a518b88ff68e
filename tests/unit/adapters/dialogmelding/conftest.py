"""Warm the schema catalog once, outside any test.

The catalog scan in adapters/xml/schemas.py leaves iterparse file handles to the garbage
collector; under ``filterwarnings=error`` their ResourceWarning would surface in a random test.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import pytest

from adapters.xml.schemas import namespace_catalog


@pytest.fixture(scope="session", autouse=True)
def _warm_schema_catalog(_xsd_dir: None) -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        namespace_catalog()
        gc.collect()
    yield
