"""The learned relation classifier: one logistic model per relation over indicator features.

The model is a small JSON file (weights by feature, a bias and a decision threshold per
relation, the data it learned from); prediction needs no machine-learning library.
``sckg train`` (:mod:`graph.train`) writes it; the package ships the one it produced.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

#: the model the package ships
SHIPPED = "relations.json"
FORMAT = "sckg-linear-relations/1"
AGGREGATIONS = ("max", "noisy-or")


class ModelError(ValueError):
    """A relation model file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class LinearModel:
    """Per relation: P(relation | features) = sigmoid(bias + sum of the features' weights)."""

    relations: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]  # feature -> one weight per relation
    bias: tuple[float, ...]
    thresholds: tuple[float, ...]
    version: str
    card: dict = field(default_factory=dict, compare=False)
    #: how the probabilities of a document's sentences for one relation between two entities
    #: combine into the document's: their "max", or "noisy-or" (each sentence another chance
    #: that the document states it); the thresholds are for the combined probability
    aggregation: str = "max"

    def combine(self, probs) -> float:
        """The document's probability of a relation from its sentences' probabilities.

        >>> LinearModel((), {}, (), (), "t", aggregation="noisy-or").combine([0.5, 0.5])
        0.75
        """
        if self.aggregation == "noisy-or":
            return 1.0 - math.prod(1.0 - p for p in probs)
        return max(probs)

    def scores(self, features) -> list[float]:
        """The probability of each relation (in ``self.relations`` order)."""
        z = list(self.bias)
        w = self.weights
        for f in set(features):
            row = w.get(f)
            if row is not None:
                for k, v in enumerate(row):
                    z[k] += v
        return [_sigmoid(x) for x in z]

    def scores_many(self, rows) -> "list[list[float]]":
        """:meth:`scores` of many feature lists at once (one matrix product per document)."""
        import numpy as np
        index, matrix = self._dense()
        n = len(self.relations)
        z = np.tile(np.asarray(self.bias, dtype=np.float64), (len(rows), 1))
        for k, feats in enumerate(rows):
            idx = [j for j in {index.get(f) for f in feats} if j is not None]
            if idx:
                z[k] += matrix[idx].sum(axis=0)
        p = 1.0 / (1.0 + np.exp(-z))
        return p.reshape(len(rows), n).tolist()

    def _dense(self):
        cached = self.__dict__.get("_dense_cache")
        if cached is None:
            import numpy as np
            names = sorted(self.weights)
            matrix = np.array([self.weights[f] for f in names], dtype=np.float64).reshape(len(names), len(self.relations))
            cached = ({f: i for i, f in enumerate(names)}, matrix)
            object.__setattr__(self, "_dense_cache", cached)
        return cached

    def predict_many(self, rows) -> list[dict[str, float]]:
        """:meth:`predict` of many feature lists at once."""
        out = []
        for probs in self.scores_many(rows):
            out.append({rel: round(p, 4) for rel, p, t in zip(self.relations, probs, self.thresholds) if p >= t})
        return out

    def predict(self, features) -> dict[str, float]:
        """Relations whose probability reaches their threshold, with the probability.

        >>> m = LinearModel(("owns",), {"trig=owns:verb": (4.0,)}, (-2.0,), (0.5,), "t")
        >>> m.predict(["trig=owns:verb"])
        {'owns': 0.8808}
        >>> m.predict(["other"])
        {}
        """
        out = {}
        for rel, p, t in zip(self.relations, self.scores(features), self.thresholds):
            if p >= t:
                out[rel] = round(p, 4)
        return out

    def to_json(self) -> str:
        data = {
            "format": FORMAT,
            "version": self.version,
            "relations": list(self.relations),
            "bias": [round(b, 6) for b in self.bias],
            "thresholds": [round(t, 4) for t in self.thresholds],
            "aggregation": self.aggregation,
            "card": self.card,
            "weights": {f: [round(v, 6) for v in row] for f, row in sorted(self.weights.items())},
        }
        return json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str, *, source: str = "<string>") -> "LinearModel":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelError(f"{source}:{exc.lineno}: not valid JSON ({exc.msg})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ModelError(f"{source}: not an sckg relation model (format {FORMAT!r} expected)")
        try:
            rels = tuple(str(r) for r in data["relations"])
            n = len(rels)
            weights = {str(f): tuple(float(v) for v in row) for f, row in data["weights"].items()}
            bias = tuple(float(b) for b in data["bias"])
            thresholds = tuple(float(t) for t in data["thresholds"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{source}: malformed relation model ({exc})") from None
        aggregation = data.get("aggregation", "max")
        if aggregation not in AGGREGATIONS:
            raise ModelError(f"{source}: unknown aggregation {aggregation!r} (one of {', '.join(AGGREGATIONS)})")
        if len(bias) != n or len(thresholds) != n or any(len(r) != n for r in weights.values()):
            raise ModelError(f"{source}: relation model rows do not match its {n} relations")
        if not all(math.isfinite(x) for row in (bias, thresholds, *weights.values()) for x in row):
            raise ModelError(f"{source}: relation model holds a non-finite number")
        return cls(rels, weights, bias, thresholds, str(data.get("version", "")), data.get("card") or {},
                   aggregation)

    def save(self, path: Path | str) -> None:
        Path(path).write_text(self.to_json(), encoding="utf-8")


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def shipped_path() -> Path:
    """Where the shipped model lives inside the package."""
    return Path(str(resources.files("graph.extract") / "model" / SHIPPED))


def load_model(path: Path | str | None = None) -> LinearModel:
    """Read a relation model (the shipped one by default)."""
    p = Path(path) if path is not None else shipped_path()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"{p}: cannot read the relation model: {exc.strerror}") from None
    return LinearModel.from_json(text, source=str(p))
