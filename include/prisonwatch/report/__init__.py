"""Reports for analysts and alerts for operators.

:mod:`.view` builds the view model (every value a template shows, precomputed), :mod:`.render` lays it out as
HTML, Markdown, text and JSON, :mod:`.charts` draws its inline charts, :mod:`.files` writes a report's folder
and the index, :mod:`.publish` decides what a report covers and marks it reported once delivered,
:mod:`.notify` sends it (SMTP, webhook) and :mod:`.alerts` tells operators of a run that is late.
"""

from prisonwatch.report.files import list_reports, write_index, write_report
from prisonwatch.report.publish import (
    DeliveryFailed,
    deliver,
    publish_digest,
    publish_unreported,
    render_on_demand,
    report_link,
    report_message,
    send_report_mail,
)
from prisonwatch.report.render import (
    SCHEMA_PATH,
    TEMPLATES_DIR,
    md_escape,
    render_html,
    render_json,
    render_markdown,
    render_text,
    report_document,
)
from prisonwatch.report.view import (
    LABELS,
    article_origin,
    build_view,
    evidence_view,
    flag_rank,
    format_count,
    format_stated,
    format_value,
    format_when,
    headline,
    highlight_segments,
    ranked_flags,
    resolve_labels,
    run_notice,
    run_summary_line,
    safe_url,
)

__all__ = [
    "LABELS",
    "SCHEMA_PATH",
    "TEMPLATES_DIR",
    "DeliveryFailed",
    "article_origin",
    "build_view",
    "deliver",
    "evidence_view",
    "flag_rank",
    "format_count",
    "format_stated",
    "format_value",
    "format_when",
    "headline",
    "highlight_segments",
    "list_reports",
    "md_escape",
    "publish_digest",
    "publish_unreported",
    "ranked_flags",
    "render_html",
    "render_json",
    "render_markdown",
    "render_on_demand",
    "render_text",
    "report_document",
    "report_link",
    "report_message",
    "resolve_labels",
    "run_notice",
    "run_summary_line",
    "safe_url",
    "send_report_mail",
    "write_index",
    "write_report",
]
