"""Unmapped workbook headers through ``ingest()``: a real .xlsx (xlsxwriter) whose
customer sheet has headers the column map does not know keeps their cells in
``_extras`` under names derived from the headers, and records an ``added`` drift event
for each; the notes sheet stays skipped."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from platform_assets.domains.customer.raw_schemas import BRONZE_CONTRACTS
from platform_assets.ingestion import ingest
from platform_assets.ingestion.schema_drift import DRIFT_EVENTS_TABLE
from platform_assets.integrations.spreadsheet import SpreadsheetConnector
from platform_assets.integrations.spreadsheet.workbook import extra_field_names
from platform_assets.warehouse import Warehouse
from tests.connectors.conftest import rows
from tests.connectors.test_spreadsheet_connector import COLUMN_MAP, write_workbook

CONTRACT = BRONZE_CONTRACTS["spreadsheet_customers"]


def test_unmapped_headers_land_in_extras_and_are_recorded(
    tmp_path: Path, warehouse: Warehouse
) -> None:
    write_workbook(
        tmp_path / "loyalty.xlsx",
        {
            "Customers": [
                ["Customer Ref", "First Name", "Loyalty Tier", "Record ID", "loyalty-tier"],
                ["1", "Ann", "gold", "X-1", "legacy"],
                ["2", "Bob", None, None, None],
            ],
            "Notes": [["Note", "Owner"], ["Tiers from the 2019 scheme", "Sales"]],
        },
    )
    connector = SpreadsheetConnector(tmp_path, COLUMN_MAP)
    report, _ = ingest(
        connector, CONTRACT, warehouse, run_id="run-1", log=logging.getLogger(__name__)
    )

    assert report.inserted == 2 and report.quarantined == 0
    assert connector.skipped_sheets == ["loyalty.xlsx:Notes"]
    extras = dict(
        rows(warehouse, f"select first_name, _extras from {CONTRACT.sql_name} order by 1")
    )
    assert json.loads(extras["Ann"]) == {
        "loyalty_tier": "gold",
        "loyalty_tier_2": "legacy",
        "record_id_2": "X-1",
    }
    assert json.loads(extras["Bob"]) == dict.fromkeys(
        ("loyalty_tier", "loyalty_tier_2", "record_id_2")
    )
    # The landing column the header's name collided with keeps its own value.
    assert rows(warehouse, f"select record_id from {CONTRACT.sql_name} order by 1") == [
        ("loyalty.xlsx:Customers:2",),
        ("loyalty.xlsx:Customers:3",),
    ]
    assert report.columns_added == 3
    assert set(rows(warehouse, f"select column_name, change from {DRIFT_EVENTS_TABLE}")) == {
        ("loyalty_tier", "added"),
        ("loyalty_tier_2", "added"),
        ("record_id_2", "added"),
    }


def test_field_names_are_snake_case_and_never_collide() -> None:
    assert extra_field_names(["Opt-in (SMS)?", "Straße Nr.", "??", "__UNNAMED__9"]) == {
        "Opt-in (SMS)?": "opt_in_sms",
        "Straße Nr.": "strasse_nr",
        "??": "column_3",
        "__UNNAMED__9": "unnamed_9",
    }
