"""The trained linkage model: a versioned JSON file in the repository.

The file holds Splink's trained settings (m and u probabilities, the prior, blocking
rules, comparisons) and the platform's decision thresholds beside them, so a model
version fixes every number that decides a link: the asset runs no training, and the same
records with the same model give the same customers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

MODEL_DIR: Final = Path(__file__).resolve().parent / "model"
CURRENT_MODEL: Final = MODEL_DIR / "customer_linkage_v1.json"


@dataclass(frozen=True)
class LinkageModel:
    """``threshold`` links a pair into one customer; pairs scoring in
    [``review_lower``, ``threshold``) are close calls a person should look at."""

    version: str
    threshold: float
    review_lower: float
    splink_settings: dict[str, Any]

    def __post_init__(self) -> None:
        if not 0 < self.review_lower < self.threshold < 1:
            raise ValueError(
                f"model {self.version}: need 0 < review_lower < threshold < 1, got "
                f"review_lower={self.review_lower}, threshold={self.threshold}"
            )

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "model_version": self.version,
                    "threshold_match_probability": self.threshold,
                    "review_lower_match_probability": self.review_lower,
                    "splink_settings": self.splink_settings,
                },
                indent=2,
                sort_keys=True,
            )
            + "\n"
        )


def load_model(path: Path = CURRENT_MODEL) -> LinkageModel:
    """Reads a model file; a missing or malformed one names the file and what is wrong."""
    try:
        document = json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(
            f"linkage model {path} not found: train one with "
            "`python benchmarks/train_customer_linkage.py`"
        ) from None
    missing = {
        "model_version",
        "threshold_match_probability",
        "review_lower_match_probability",
        "splink_settings",
    } - document.keys()
    if missing:
        raise ValueError(f"linkage model {path} lacks {sorted(missing)}")
    return LinkageModel(
        version=str(document["model_version"]),
        threshold=float(document["threshold_match_probability"]),
        review_lower=float(document["review_lower_match_probability"]),
        splink_settings=document["splink_settings"],
    )
