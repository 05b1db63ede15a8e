"""``prisonwatch mail-test``: send a report of the stored flags through the configured SMTP connection.

It proves the mail path end to end (connection, sender, recipients, the multipart message) without waiting for a
run with new flags. Nothing is marked reported: the next real report is unaffected.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from prisonwatch.cli.common import EXIT_OK, EXIT_USAGE, CliError, existing_database, settings_from_args


def register(sub: Any) -> None:
    p = sub.add_parser(
        "mail-test",
        help="send a report of the stored flags through the configured SMTP connection",
        description=(
            "Send a report of the stored flags by mail, through the Airflow connection report.smtp_conn_id "
            "(for a local install: `make smtp-connection SMTP_HOST=... SMTP_PORT=...`). Nothing is marked reported."
        ),
    )
    p.add_argument("--to", action="append", help="recipient (repeatable; default: report.recipients)")
    p.add_argument("--db", help="DuckDB database (default: the configured one)")
    p.set_defaults(func=cmd_mail_test)


def cmd_mail_test(args: argparse.Namespace) -> int:
    from prisonwatch.report import send_report_mail

    settings = settings_from_args(args)
    to = args.to or settings.report.recipients
    if not to:
        raise CliError("mail-test: no recipient: give --to ADDRESS or set report.recipients", EXIT_USAGE)
    existing_database(settings)
    # A command on the Airflow machine reads connections like Airflow's own servers do: environment variables
    # (AIRFLOW_CONN_*), then the metadata database, where `make smtp-connection` stores one.
    os.environ.setdefault("_AIRFLOW_PROCESS_CONTEXT", "server")
    sent = send_report_mail(settings, to, subject_prefix="[prisonwatch] test: ")
    print(f"sent {sent['subject']!r} to {', '.join(to)} through connection {settings.report.smtp_conn_id!r}")
    return EXIT_OK
