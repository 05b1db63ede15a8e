"""Collect: feeds polled, pages fetched through the guarded client, text and metadata extracted.

:mod:`.feeds` reads RSS/Atom (a bad feed is data, not an exception), :mod:`.fetch` is the HTTP client and
:mod:`.netguard` its guard against private addresses, :mod:`.articles` extracts a page in a bounded worker, and
:mod:`.googlenews` resolves Google News links to the publisher's page.
"""
