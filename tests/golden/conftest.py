"""Golden-test fixtures.

``warm_schema_catalog`` builds the XSD namespace catalog once with ResourceWarning ignored:
``adapters/xml/schemas._target_namespace`` returns from inside ``etree.iterparse`` and leaves the
file to the garbage collector, which under ``filterwarnings=error`` fails whichever test happens to
run at collection time. Remove this fixture when that function closes its file.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import pytest

from adapters.xml.schemas import namespace_catalog


@pytest.fixture(scope="session", autouse=True)
def warm_schema_catalog(_xsd_dir: None) -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        namespace_catalog()
        gc.collect()
    yield
