"""Delivery of reports (mail through Airflow's SMTP connection, a Slack-compatible webhook) and operator alerts.

Mail is built here rather than by ``SmtpHook.send_email_smtp``, which sends HTML only: analysts get a
multipart/alternative message with a plain-text part and an HTML part whose charts are inline CID images
(multipart/related), so the mail needs nothing fetched from outside. The hook still supplies the
connection (host, port, TLS, login) from the Airflow connection ``report.smtp_conn_id``.

Operator alerts: ``failure_notifier`` gives DAG ``on_failure_callback`` values (Airflow calls them once a
task has failed for good, after its retries); ``deadline_alert`` gives a DAG deadline that mails when a run
has not finished in time (it runs in the triggerer, which must be running).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from prisonwatch.config import Settings

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 10.0

FAILURE_SUBJECT = "[prisonwatch] {{ ti.dag_id }}.{{ ti.task_id }} failed ({{ run_id }})"
FAILURE_HTML = (
    "<p>Task <b>{{ ti.task_id }}</b> of DAG <b>{{ ti.dag_id }}</b> failed for good in run "
    "<b>{{ run_id | e }}</b> after {{ ti.try_number }} tries.</p>"
    "<p>Error: <code>{{ exception | e }}</code></p>"
    "<p>Earlier attempts were retried automatically; this mail is sent once the retries are used up.</p>"
)


class DeliveryError(RuntimeError):
    """A channel refused or could not take the report; the message says which and why."""

    def __init__(self, channel: str, message: str) -> None:
        super().__init__(f"{channel}: {message}")
        self.channel = channel


# ---------------------------------------------------------------------------------------- mail
def build_message(
    *,
    subject: str,
    html_body: str,
    text_body: str,
    images: dict[str, bytes],
    from_email: str,
    to: list[str],
) -> EmailMessage:
    """A multipart/alternative mail: text/plain, then multipart/related(text/html + inline PNGs).

    ``images`` maps a Content-ID (without angle brackets, e.g. ``chart-released@prisonwatch``) to PNG bytes;
    the HTML refers to each as ``cid:<that id>``.
    """
    if not to:
        raise ValueError("no recipients")
    message = EmailMessage()
    # Headers cannot carry line breaks: a headline built from feed data must not inject headers.
    message["Subject"] = " ".join(subject.split())
    message["From"] = from_email
    message["To"] = ", ".join(to)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="prisonwatch")
    message.set_content(text_body, subtype="plain", charset="utf-8")
    message.add_alternative(html_body, subtype="html", charset="utf-8")
    html_part = message.get_payload()[1]
    for cid, png in images.items():
        html_part.add_related(
            png,
            maintype="image",
            subtype="png",
            cid=f"<{cid}>",
            disposition="inline",
            filename=f"{cid.split('@')[0]}.png",
        )
    return message


def send_email(message: EmailMessage, *, smtp_conn_id: str) -> None:
    """Send through the Airflow SMTP connection ``smtp_conn_id``; raises DeliveryError when it fails.

    Every recipient must be accepted: a partly refused mail counts as failed so the operator sees it.
    """
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    try:
        with SmtpHook(smtp_conn_id=smtp_conn_id) as hook:
            # The hook exposes its logged-in client only privately; it has no way to send a prepared message.
            client = getattr(hook, "_smtp_client", None)
            if client is None:
                raise DeliveryError("email", f"SMTP connection {smtp_conn_id!r} did not open a client")
            refused = client.send_message(message)
    except DeliveryError:
        raise
    except Exception as exc:
        raise DeliveryError("email", f"sending through {smtp_conn_id!r} failed: {type(exc).__name__}: {exc}") from exc
    if refused:
        raise DeliveryError("email", f"recipients refused: {', '.join(sorted(refused))}")


def smtp_connection(host: str, port: int | str, login: str = "", password: str = "", tls: bool | str = True) -> dict:
    """The Airflow SMTP connection for a mail server, in the JSON form ``airflow connections add --conn-json`` takes.

    The SMTP provider turns SSL and STARTTLS on by default; here port 465 gets SSL, any other port STARTTLS, and
    ``tls`` false neither (a plain local relay). Booleans stay booleans: a URI's ``disable_ssl=false`` counts as true.
    """
    port = int(port)
    plain = str(tls).strip().lower() in ("0", "false", "no", "off", "")
    extra: dict[str, Any] = {"timeout": 30, "retry_limit": 3}
    if plain:
        extra.update(disable_ssl=True, disable_tls=True)
    elif port == 465:
        extra.update(disable_ssl=False, disable_tls=True)
    else:
        extra.update(disable_ssl=True, disable_tls=False)
    conn: dict[str, Any] = {"conn_type": "smtp", "host": host, "port": port, "extra": extra}
    if login:
        conn["login"] = login
    if password:
        conn["password"] = password
    return conn


# ---------------------------------------------------------------------------------------- webhook
def post_webhook(url: str, text: str, *, timeout: float = WEBHOOK_TIMEOUT_SECONDS, client: Any = None) -> None:
    """POST ``{"text": text}`` (Slack-compatible) and raise DeliveryError unless the answer is 2xx."""
    if not url.startswith(("http://", "https://")):
        raise DeliveryError("webhook", f"not an http(s) URL: {url!r}")
    try:
        if client is not None:
            response = client.post(url, json={"text": text}, timeout=timeout)
        else:
            response = httpx.post(url, json={"text": text}, timeout=timeout, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise DeliveryError("webhook", f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError("webhook", f"HTTP {response.status_code}: {response.text[:200]}")


# ---------------------------------------------------------------------------------------- operators
def log_failure(context: dict[str, Any]) -> None:
    """Fallback failure callback when no recipients are configured: an ERROR line an operator will grep for."""
    ti = context.get("ti") or context.get("task_instance")
    log.error(
        "PRISONWATCH TASK FAILED: dag=%s task=%s run=%s tries=%s error=%s",
        getattr(ti, "dag_id", "?"),
        getattr(ti, "task_id", "?"),
        context.get("run_id", "?"),
        getattr(ti, "try_number", "?"),
        context.get("exception"),
    )


def failure_notifier(settings: Settings) -> list[Callable[..., Any]]:
    """Callbacks for a DAG's ``on_failure_callback``: a SmtpNotifier when recipients are configured.

    Airflow calls ``on_failure_callback`` only when a task fails for the last time (retries exhausted),
    so operators get one mail per real failure, not one per attempt.
    """
    if not settings.report.recipients:
        return [log_failure]
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    return [
        SmtpNotifier(
            to=list(settings.report.recipients),
            from_email=settings.report.from_email,
            smtp_conn_id=settings.report.smtp_conn_id,
            subject=FAILURE_SUBJECT,
            html_content=FAILURE_HTML,
        )
    ]


def notify_task_failure(context: dict[str, Any], settings: Settings | None = None) -> None:
    """The DAGs' ``on_failure_callback``: run every callback of ``failure_notifier``; never raises.

    A failure to mail (or to read the configuration) is logged and falls back to ``log_failure``, so the
    operator always gets at least the ERROR line.
    """
    if settings is None:
        try:
            from prisonwatch.config import load_settings

            settings = load_settings()
        except Exception as exc:
            log.error("failure alert: configuration unreadable (%s); logging only", exc)
            log_failure(context)
            return
    for callback in failure_notifier(settings):
        try:
            callback(context)
        except Exception as exc:
            log.error("failure alert could not be sent (%s: %s); logging instead", type(exc).__name__, exc)
            if callback is not log_failure:
                log_failure(context)


if (
    __name__ == "__main__"
):  # `make smtp-connection`: python -m prisonwatch.report.notify connection-json HOST PORT LOGIN PASSWORD TLS
    import json
    import sys

    if len(sys.argv) != 7 or sys.argv[1] != "connection-json":
        raise SystemExit("usage: python -m prisonwatch.report.notify connection-json HOST PORT LOGIN PASSWORD TLS")
    print(json.dumps(smtp_connection(*sys.argv[2:7])))
