"""Where an alert goes: a webhook (one JSON POST) and e-mail (SMTP with STARTTLS, ``smtplib``).

``CHANNELS`` maps a channel name to the function that builds its sender from the settings (None when
the channel is not configured). A sender raises a coded ``DeliveryUnavailable`` (``alert.webhook-failed``,
``alert.email-failed``) when the alert did not go out; the check records it and tries again.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import httpx

from samband import __version__
from samband.gateway.settings import Settings
from samband.kernel.errors import DeliveryUnavailable


@dataclass(frozen=True)
class Alert:
    """One condition found true, as it goes out."""

    condition: str
    title: str
    summary: str
    count: int
    at: datetime
    items: list[dict[str, Any]] = field(default_factory=list)

    def payload(self, settings: Settings) -> dict[str, Any]:
        """The webhook body (and the e-mail's facts): no patient identity, only ids, routes and codes."""
        console = f"{settings.public_url.rstrip('/')}/console#/alerts" if settings.public_url else None
        return {
            "condition": self.condition,
            "title": self.title,
            "summary": self.summary,
            "count": self.count,
            "at": self.at.isoformat(),
            "gateway": {"her_id": settings.her_id, "name": settings.organisation_name},
            "items": self.items,
            "console": console,
        }


Send = Callable[[Alert], None]


def webhook(settings: Settings) -> Send | None:
    url = settings.alert_webhook_url
    if url is None:
        return None

    def send(alert: Alert) -> None:
        try:
            response = httpx.post(
                url,
                json=alert.payload(settings),
                timeout=settings.alert_timeout_seconds,
                headers={"User-Agent": f"samband/{__version__}"},
            )
        except httpx.HTTPError as exc:
            raise DeliveryUnavailable(
                f"the alert webhook did not answer: {type(exc).__name__}: {exc}",
                code="alert.webhook-failed",
                where=url,
            ) from exc
        if not response.is_success:
            raise DeliveryUnavailable(
                f"the alert webhook answered HTTP {response.status_code}",
                code="alert.webhook-failed",
                where=url,
                expected="2xx",
                received=str(response.status_code),
            )

    return send


def email_message(alert: Alert, settings: Settings) -> EmailMessage:
    """The alert as a plain-text e-mail: the summary in the subject, each example on a line."""
    message = EmailMessage()
    message["Subject"] = f"[{settings.organisation_name}] {alert.title}: {alert.summary}"
    message["From"] = settings.alert_email_from
    message["To"] = ", ".join(settings.alert_email_to)
    facts = alert.payload(settings)
    lines = [alert.summary, "", f"Condition: {alert.condition}", f"At: {facts['at']}"]
    if facts["console"]:
        lines.append(f"Console: {facts['console']}")
    if alert.items:
        lines += ["", f"The newest {len(alert.items)} of {alert.count}:"]
        lines += ["  " + ", ".join(f"{k}: {v}" for k, v in i.items() if v is not None) for i in alert.items]
    message.set_content("\n".join(lines) + "\n")
    return message


def email(settings: Settings) -> Send | None:
    host = settings.alert_smtp_host
    if host is None or not settings.alert_email_to:
        return None

    def send(alert: Alert) -> None:
        where = f"{host}:{settings.alert_smtp_port}"
        try:
            with smtplib.SMTP(host, settings.alert_smtp_port, timeout=settings.alert_timeout_seconds) as smtp:
                if settings.alert_smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.alert_smtp_username:
                    smtp.login(settings.alert_smtp_username, settings.alert_smtp_password or "")
                smtp.send_message(email_message(alert, settings))
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryUnavailable(
                f"the alert e-mail was not sent: {type(exc).__name__}: {exc}",
                code="alert.email-failed",
                where=where,
            ) from exc

    return send


CHANNELS: dict[str, Callable[[Settings], Send | None]] = {"webhook": webhook, "email": email}


def configured(settings: Settings) -> dict[str, Send]:
    """The channels the settings configure, by name."""
    built = {name: make(settings) for name, make in CHANNELS.items()}
    return {name: send for name, send in built.items() if send is not None}
