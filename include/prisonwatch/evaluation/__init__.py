"""Measures: ``make eval``.

:mod:`.fixtures` scores figure extraction on the project's labelled fixtures against pinned floors (and runs the
rest), :mod:`.corpus_eval` on the shared corpus's held-out outlets, :mod:`.flag_eval` the flags of the whole
pipeline over the corpus stream.
"""
