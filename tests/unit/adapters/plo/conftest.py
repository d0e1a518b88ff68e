"""PLO test setup: the schema catalog is scanned once while tests are collected.

``adapters.xml.schemas._target_namespace`` leaves the file of its ``iterparse`` open when it returns
early; inside a test that ResourceWarning turns into an error (filterwarnings=error). Scanning at
collection time keeps the PLO tests about PLO until that reader closes its file.
"""

from __future__ import annotations

import contextlib
import os
import warnings

from adapters.xml.schemas import namespace_catalog
from gateway.errors import ConfigurationError
from tests.conftest import XSD_DIR

if "SAMBAND_XSD_DIR" not in os.environ and XSD_DIR.is_dir():
    os.environ["SAMBAND_XSD_DIR"] = str(XSD_DIR)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ResourceWarning)
    with contextlib.suppress(ConfigurationError):
        namespace_catalog()
