"""Matching: pure decisions over plain data, no I/O.

:mod:`.match` chooses what each new figure does (a new figure, a contradiction, a corroboration, stock
arithmetic, a revision, held for review); :mod:`.neardup` finds the same article under another URL.
"""
