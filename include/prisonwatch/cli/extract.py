"""``prisonwatch extract FILE``: one article's text, metadata and figures, as the pipeline would read them."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from prisonwatch.cli.common import EXIT_OK, EXIT_USAGE, CliError, settings_from_args
from prisonwatch.config import Settings


def register(sub: Any) -> None:
    p = sub.add_parser(
        "extract",
        help="extract one article file and print its figures",
        description="Read one saved article (an HTML page, or plain text for .txt) and print its figures.",
    )
    p.add_argument("file", help="an HTML page, or plain text when the name ends in .txt")
    p.add_argument("--url", help="the article's address, used for its metadata and links (default: the file's URI)")
    p.add_argument(
        "--format",
        choices=["json", "table"],
        default="json",
        help="json: the documented shape (docs/cli.md); table: one line a figure",
    )
    p.set_defaults(func=cmd_extract)


def extract_file(path: Path, url: str, settings: Settings) -> dict[str, Any]:
    """One article file (HTML page, or plain text for ``.txt``) to the documented JSON shape."""
    from prisonwatch.collect import articles
    from prisonwatch.figures import vague_quantities
    from prisonwatch.figures.analysis import analyse_article

    data = path.read_bytes()
    if not data.strip():
        raise CliError(f"{path} is empty: give a saved article page or its text")
    if path.suffix.lower() == ".txt":
        text = data.decode("utf-8", "replace")
        if "\x00" in text:
            raise CliError(f"{path} is not text (it holds binary data): give a .txt article or an HTML page")
        article = articles.article_from_text(text, url=url, origin="feed")
    else:
        article = articles.article_from_html(data, url=url, settings=settings)
    figures = analyse_article(article, settings)
    vague = vague_quantities(article.text, article.language) if article.relevant else []
    return {
        "url": url,
        "title": article.title,
        "published": article.published,
        "language": article.language,
        "relevant": article.relevant,
        "relevance_reason": article.relevance_reason,
        "figures": [f.to_public_dict() for f in figures],
        "vague_quantities": vague,
    }


def cmd_extract(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}", EXIT_USAGE)
    result = extract_file(path, args.url or path.resolve().as_uri(), settings)
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"{result['title']} ({result['language']}, {result['published']}) relevant={result['relevant']}")
        for f in result["figures"]:
            print(f"  {f['metric']:22} {f['value_text'] or f['value_low']:>16}  {f['source']:14} {f['sentence'][:90]}")
    return EXIT_OK
