"""The daily digest: when it may go, what it keeps after a consent change, one line per element."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from samband.features.feedback.batching import DigestItem, admissible, digest_due, fold
from samband.features.feedback.events import EventKind
from samband.features.feedback.rules import ConsentNeed, load_rules
from samband.features.feedback.state import ConsentState

OSLO = ZoneInfo("Europe/Oslo")
POLICY = load_rules().digest


def oslo(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=OSLO)


def item(n: int, kind: EventKind = EventKind.GOAL_CHANGED, subject: str = "g-1") -> DigestItem:
    return DigestItem(
        "p",
        f"k{n}",
        kind,
        datetime(2026, 3, 5, 8, tzinfo=UTC) + timedelta(minutes=n),
        subject,
        "Klare meg selv hjemme",
    )


def test_not_before_the_send_time_then_once_per_local_day() -> None:
    assert not digest_due(None, oslo(5, 14, 59), POLICY)
    assert digest_due(None, oslo(5, 15, 0), POLICY)
    assert not digest_due(oslo(5, 15, 1), oslo(5, 23, 30), POLICY)
    assert digest_due(oslo(5, 15, 1), oslo(6, 15, 0), POLICY)


def test_the_day_follows_norwegian_time_across_the_summer_time_change() -> None:
    sent = oslo(28, 15, 5)
    assert digest_due(sent, oslo(29, 15, 0), POLICY), "29 March 2026 is only 23 hours long"


def test_sixteen_edits_of_one_goal_are_one_line_with_the_count() -> None:
    lines = fold([item(n) for n in range(16)])
    assert len(lines) == 1 and lines[0].edits == 16


def test_a_status_change_wins_over_later_plain_edits() -> None:
    items = [item(0, EventKind.MEASURE_COMPLETED, "m-1"), item(1, EventKind.PLAN_EDITED, "m-1"), item(2)]
    lines = fold(items)
    assert [(line.kind, line.edits) for line in lines] == [
        (EventKind.MEASURE_COMPLETED, 2),
        (EventKind.GOAL_CHANGED, 1),
    ]


def test_plan_content_is_dropped_once_the_consent_no_longer_covers_it() -> None:
    items = [
        item(0),
        DigestItem("p", "k9", EventKind.PLAN_EDITED, item(0).at, None, "x", ConsentNeed.GP_FEEDBACK),
    ]
    keep, drop = admissible(items, ConsentState(gp_feedback=True, plan_content=False))
    assert [i.event_key for i in keep] == ["k9"] and [i.event_key for i in drop] == ["k0"]
