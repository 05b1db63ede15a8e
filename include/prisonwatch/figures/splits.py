"""Which outlets of the shared corpus the scorers may learn from, and how they are grouped by writer.

The corpus README names the writer behind each outlet; an outlet split is a writer split only when whole writer
groups stay on one side. The tuning outlets are two Spanish outlets of one writer and one English and one
Portuguese outlet; every other outlet is held out and only measured. Calibration is fitted on predictions for
each tuning writer made by scorers trained without that writer (:data:`TUNING_WRITER_FOLDS`).
"""

from __future__ import annotations

TUNING_WRITER_FOLDS: tuple[tuple[str, ...], ...] = (
    ("voz-de-guayana", "radar-llanero"),
    ("hemisphere-post",),
    ("folha-do-planalto",),
)
TUNING_OUTLETS: tuple[str, ...] = tuple(o for fold in TUNING_WRITER_FOLDS for o in fold)
