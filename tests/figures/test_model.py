"""The shipped scorers: a file that loads fast, probabilities that behave, training that repeats."""

from __future__ import annotations

import json
import math

from prisonwatch.figures import train
from prisonwatch.figures.model import MODEL_PATH, LinearModel, load_models
from prisonwatch.vocab import SCORED_METRICS


def test_the_shipped_model_has_both_scorers_and_a_calibration() -> None:
    models = load_models()
    assert set(models.metric.classes) == {"none", *SCORED_METRICS}
    assert models.claimant.classes == ("1",)
    a, b = models.calibration
    assert a > 0  # a higher raw probability never means a lower confidence
    assert models.meta["tuning_outlets"]
    assert 0.0 < models.calibrated(0.5) < models.calibrated(0.9) < 1.0


def test_probabilities_of_a_multinomial_model_sum_to_one() -> None:
    model = LinearModel(("a", "b", "c"), (0.0, 1.0, -1.0), {"x": (2.0, 0.0, 0.0)})
    probs = model.probabilities({"x": 1.0, "unknown": 5.0})
    assert math.isclose(sum(probs.values()), 1.0)
    assert max(probs, key=probs.get) == "a"


def test_a_binary_model_gives_the_positive_class_probability() -> None:
    model = LinearModel(("1",), (0.0,), {"x": (3.0,)})
    assert model.probabilities({})["1"] == 0.5
    assert model.probabilities({"x": 1.0})["1"] > 0.9


def test_the_model_file_round_trips_through_its_writer() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert json.loads(train.dump_model(data)) == data


def test_training_is_deterministic_on_the_same_data() -> None:
    docs = [
        train.Document("a", "Foro Penal contabiliza 800 presos políticos.", "es",
                       [{"metric": "still_detained", "value_low": 800, "value_high": 800, "source": "foro_penal"}]),
        train.Document("b", "El Gobierno excarceló a 45 presos el domingo.", "es",
                       [{"metric": "released", "value_low": 45, "value_high": 45, "source": "government"}]),
        train.Document("c", "El tribunal citó a 12 testigos a la audiencia del lunes.", "es", []),
        train.Document("d", "More than 2,000 people were arrested after the vote, officials said.", "en",
                       [{"metric": "arrested", "value_low": 2000, "value_high": 2000, "source": "government"}]),
    ]  # fmt: skip
    first, second = train.train(docs), train.train(docs)
    assert first == second
    assert first["meta"]["metric_examples"]["none"] >= 1


def test_a_restatement_is_neither_a_positive_nor_a_negative_example() -> None:
    doc = train.Document(
        "r",
        "Foro Penal contabiliza 800 presos políticos.\n\nLos 800 presos políticos esperan la amnistía.",
        "es",
        [{"metric": "still_detained", "value_low": 800, "value_high": 800, "source": "foro_penal",
          "sentence": "Foro Penal contabiliza 800 presos políticos."}],
    )  # fmt: skip
    labels = [metric for _case, metric, _source in train.label_cases(doc)]
    assert labels == ["still_detained", None]
