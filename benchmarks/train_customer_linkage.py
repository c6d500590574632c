"""Trains the customer linkage model and writes it as a new versioned model file.

    .venv/bin/python -m benchmarks.train_customer_linkage \
        --records 100000 --version customer_linkage_v1

How (docs/identity-resolution.md, "Training"):
1. the prior (probability that two random records match) from deterministic rules
   (same email, same phone, same name and birth date) at an assumed recall of 0.6;
2. u-probabilities from 10 million random pairs, sampled with a FIXED seed;
3. m-probabilities by expectation maximisation on blocked pairs, in two sessions whose
   blocking columns are not trained in that session (birth date; then email), so every
   comparison is trained by at least one;
4. the settings, probabilities rounded to 12 significant digits, with the linking
   threshold and the review band, written to
   ``platform_assets/domains/customer/identity_resolution/model/<version>.json``.

The training records are the demo population's records as silver holds them
(``benchmarks/customer_demo_records.py``) with seed 7; the benchmark measures on the
demo's default seed 12, so the model is not measured on the people it was trained on.
Retraining with the same arguments writes the same file. A retrained model is a NEW
version: write it under a new name (``--version customer_linkage_v2``), point
``CURRENT_MODEL`` at it and bump the assets' code version, so the xref's history says
which model produced it.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI, Linker, block_on

from benchmarks.customer_demo_records import demo_silver_records
from platform_assets.domains.customer.identity_resolution.linkage import PREPARED_RECORDS_SQL
from platform_assets.domains.customer.identity_resolution.model import MODEL_DIR, LinkageModel
from platform_assets.domains.customer.identity_resolution.model_spec import untrained_settings

TRAINING_SEED = 7
U_SAMPLING_SEED = 20261206
U_SAMPLING_PAIRS = 1e7
THRESHOLD = 0.95
REVIEW_LOWER = 0.5


def train(records: int, version: str) -> LinkageModel:
    connection = duckdb.connect(":memory:")
    training = demo_silver_records(records, seed=TRAINING_SEED).drop("person_id")
    connection.register("input_records", training.to_arrow())
    connection.execute(f"create table prepared_records as {PREPARED_RECORDS_SQL}")
    linker = Linker(
        DuckDBAPI(connection).register("prepared_records"), untrained_settings(), log_level=None
    )
    logging.getLogger("splink").setLevel(logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("email"),
            block_on("phone"),
            block_on("first_name", "last_name", "birth_date"),
        ],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=U_SAMPLING_PAIRS, seed=U_SAMPLING_SEED
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    settings = _rounded(linker.misc.save_model_to_json())
    # the linker's random id would make every retraining a different file
    settings.pop("linker_uid", None)
    connection.close()
    return LinkageModel(
        version=version, threshold=THRESHOLD, review_lower=REVIEW_LOWER, splink_settings=settings
    )


def _rounded(value: Any) -> Any:
    """Probabilities to 12 significant digits: DuckDB's parallel sums add in a varying
    order, which changes the last of a float's 17 digits from one training to the next,
    and the model file should not change when nothing that matters did."""
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    if isinstance(value, float):
        return float(f"{value:.12g}")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--version", default="customer_linkage_v1")
    parser.add_argument("--output-dir", type=Path, default=MODEL_DIR)
    arguments = parser.parse_args()
    started = time.perf_counter()
    model = train(arguments.records, arguments.version)
    path = arguments.output_dir / f"{arguments.version}.json"
    path.write_text(model.to_json())
    comparisons = [c["output_column_name"] for c in model.splink_settings["comparisons"]]
    print(
        json.dumps(
            {
                "model": str(path),
                "records": arguments.records,
                "seconds": round(time.perf_counter() - started, 1),
                "probability_two_random_records_match": model.splink_settings[
                    "probability_two_random_records_match"
                ],
                "comparisons": comparisons,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
