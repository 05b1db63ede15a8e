"""The shipped scorers: linear models over named features, stored as JSON and applied without scikit-learn.

Both are trained by ``make train-figures`` (:mod:`prisonwatch.figures.train`) and ship in the package as
``model.json``: the metric classifier (is a number a count of people, and of which metric) and the claimant
ranker (which of the possible claimants of a number states it). Scoring is a sum of weights, so the result is
deterministic and needs nothing downloaded at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).with_name("model.json")
NONE = "none"


@dataclass(frozen=True)
class LinearModel:
    """A multinomial (or binary, one class) logistic model: class → weights by feature name."""

    classes: tuple[str, ...]
    intercept: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def logits(self, features: dict[str, float]) -> list[float]:
        scores = list(self.intercept)
        for name, value in features.items():
            w = self.weights.get(name)
            if w is not None:
                for i, wi in enumerate(w):
                    scores[i] += wi * value
        return scores

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        scores = self.logits(features)
        if len(self.classes) == 1:  # binary: probability of the positive class
            return {self.classes[0]: 1.0 / (1.0 + math.exp(-scores[0]))}
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    @classmethod
    def from_dict(cls, data: dict) -> LinearModel:
        return cls(tuple(data["classes"]), tuple(data["intercept"]), {k: tuple(v) for k, v in data["weights"].items()})

    def to_dict(self) -> dict:
        return {
            "classes": list(self.classes),
            "intercept": list(self.intercept),
            "weights": {k: list(v) for k, v in sorted(self.weights.items())},
        }


@dataclass(frozen=True)
class FigureModels:
    metric: LinearModel
    claimant: LinearModel
    threshold: float  # a number is a figure when P(not a figure) is below 1 - threshold
    meta: dict
    calibration: tuple[float, float] = (1.0, 0.0)  # Platt scaling of the metric probability

    def calibrated(self, probability: float) -> float:
        """The probability that a figure is right, as measured on writers the scorers were not trained on."""
        a, b = self.calibration
        p = min(max(probability, 1e-6), 1 - 1e-6)
        return 1.0 / (1.0 + math.exp(-(a * math.log(p / (1 - p)) + b)))

    @classmethod
    def from_dict(cls, data: dict) -> FigureModels:
        """The scorers from the model file's content (or from what training returns)."""
        return cls(
            metric=LinearModel.from_dict(data["metric"]),
            claimant=LinearModel.from_dict(data["claimant"]),
            threshold=float(data.get("threshold", 0.5)),
            meta=data.get("meta", {}),
            calibration=tuple(data.get("calibration", (1.0, 0.0))),
        )


@lru_cache(maxsize=4)
def load_models(path: str | None = None) -> FigureModels:
    """The shipped models (read once per process)."""
    return FigureModels.from_dict(json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8")))
