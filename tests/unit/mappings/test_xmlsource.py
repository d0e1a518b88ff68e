"""The read-tracking source reports the top-most unread elements with their paths."""

from __future__ import annotations

from samband.adapters.xml.safe import parse_xml
from samband.mappings.common.xmlsource import Source

DOC = b"""<R xmlns="urn:x"><A><B>1</B><C V="x" DN="y"/></A><A><B>2</B></A><D><E>lost</E><F>lost</F></D></R>"""


def test_unread_subtrees_are_reported_top_most_with_indexed_paths() -> None:
    source = Source(parse_xml(DOC), prefix="/Content")
    root = source.node().touch()
    first, second = root.all("A")
    first.touch()
    assert first.text("B") == "1"
    second.consume()
    left = [path for path, _ in source.leftovers()]
    assert left == ["/Content/R/A[1]/C", "/Content/R/D"]


def test_code_reads_kith_attributes_and_marks_them() -> None:
    source = Source(parse_xml(DOC))
    root = source.node().touch()
    a = root.all("A")[0].touch()
    code = a.code("C")
    assert code is not None and (code.v, code.dn) == ("x", "y")
    assert "/R/A[1]/C" not in [p for p, _ in source.leftovers()]
