"""``platform-assets erase`` and ``platform-assets retention purge``.

platform-assets erase (--customer-key KEY | --email ADDRESS) --reason TEXT [--dry-run]
platform-assets erase --verify-log
platform-assets retention purge [--config PATH] [--dry-run]

``--warehouse PATH`` names a DuckDB file; without it both act on the PostgreSQL warehouse
when ``PLATFORM_POSTGRES_URL`` is set, else on the DuckDB file ``PLATFORM_WAREHOUSE_PATH``
(an option on the command line wins over the environment). On PostgreSQL the pseudonym key
must be ``PLATFORM_PII_HMAC_KEY``: there is no file beside the warehouse to keep one in.
Exit 0 done, 1 the request cannot be met (no such customer, a broken log, a bad retention
config), 2 a configuration problem (no usable pseudonym key, a warehouse behind the code's
migrations).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from platform_assets.settings import POSTGRES_URL_ENV, resolve_path, warehouse_path

if TYPE_CHECKING:
    from platform_assets.warehouse import Warehouse


_WAREHOUSE_HELP = (
    "the DuckDB file (default: PostgreSQL at $PLATFORM_POSTGRES_URL if set, else the "
    "DuckDB file $PLATFORM_WAREHOUSE_PATH)"
)


def _warehouse(args: argparse.Namespace) -> Warehouse:
    # imported here, as main.py does, so `platform-assets --help` does not load Dagster
    from platform_assets.warehouse import Warehouse

    if args.warehouse:
        return Warehouse(database=str(resolve_path(args.warehouse)))
    postgres_url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if postgres_url:
        return Warehouse(postgres_url=postgres_url)
    return Warehouse(database=str(warehouse_path()))


def _erase(args: argparse.Namespace) -> int:
    from platform_assets.integrations.dbt.pii_key import PiiKeyError, pii_hmac_key
    from platform_assets.privacy.erasure import ErasureError, erase_customer
    from platform_assets.privacy.erasure_log import verify_erasure_log
    from platform_assets.warehouse.migrations.guard import WarehouseBehind

    warehouse = _warehouse(args)
    if args.verify_log:
        with warehouse.connect() as session:
            verification = verify_erasure_log(session)
        for problem in verification.problems:
            print(f"platform-assets erase: erasure log: {problem}", file=sys.stderr)
        print(f"{verification.entries} erasure log entries; head {verification.head_hash}")
        return 0 if verification.intact else 1
    if not (args.reason or "").strip():
        print(
            "platform-assets erase: --reason is required: the request's ticket or reference "
            "(no personal data: it is kept in the erasure log)",
            file=sys.stderr,
        )
        return 1
    try:
        result = erase_customer(
            warehouse,
            key=pii_hmac_key(None if warehouse.dialect == "postgres" else warehouse.path.parent),
            customer_key=args.customer_key,
            email=args.email,
            reason=args.reason.strip(),
            dry_run=args.dry_run,
        )
    except (PiiKeyError, WarehouseBehind) as error:
        print(f"platform-assets erase: {error}", file=sys.stderr)
        return 2
    except ErasureError as error:
        print(f"platform-assets erase: {error}", file=sys.stderr)
        return 1
    verb = "would remove" if result.dry_run else "removed"
    for table, rows in sorted(result.rows_removed.items()):
        print(f"  {table}: {verb} {rows} row(s)")
    if result.dry_run:
        print(
            f"dry run: {result.customer_count} customer(s), {result.source_records} source "
            "record(s); nothing was changed"
        )
    else:
        print(
            f"erasure {result.erasure_id}: {result.customer_count} customer(s), "
            f"{result.source_records} source record(s) erased, {result.suppressed} added to "
            "the suppression list; logged in ops.erasure_log"
        )
    return 0


def _purge(args: argparse.Namespace) -> int:
    from platform_assets.privacy.retention import (
        RetentionConfigError,
        load_retention_policies,
        purge_expired_rows,
        retention_config_path,
    )

    config = Path(args.config) if args.config else retention_config_path()
    try:
        counts = purge_expired_rows(
            _warehouse(args), load_retention_policies(config), dry_run=args.dry_run
        )
    except RetentionConfigError as error:
        print(f"platform-assets retention purge: {error}", file=sys.stderr)
        return 1
    verb = "would purge" if args.dry_run else "purged"
    for count in counts:
        state = f"{verb} {count.rows} row(s)" if count.present else "not built yet"
        print(
            f"  {count.table}: {state} ({count.column} older than {count.days} days, "
            f"before {count.cutoff.isoformat(timespec='seconds')})"
        )
    print(f"{sum(c.rows for c in counts)} row(s) {verb}" + (" (dry run)" if args.dry_run else ""))
    return 0


def add_erasure_commands(commands: argparse._SubParsersAction) -> None:
    """Adds ``erase`` and ``retention`` to the ``platform-assets`` parser."""
    erase = commands.add_parser(
        "erase", help="erase a customer from every layer (GDPR art. 17), or verify the log"
    )
    who = erase.add_mutually_exclusive_group(required=True)
    who.add_argument("--customer-key", help="the customer's key in gold (cust_...)")
    who.add_argument("--email", help="an email of the customer, resolved through silver/gold")
    who.add_argument("--verify-log", action="store_true", help="check the erasure log's hash chain")
    erase.add_argument("--reason", help="the request's ticket or reference (no personal data)")
    erase.add_argument("--dry-run", action="store_true", help="count, change nothing")
    erase.add_argument("--warehouse", help=_WAREHOUSE_HELP)
    erase.set_defaults(handler=_erase)

    retention = commands.add_parser("retention", help="retention periods of the warehouse")
    retention_commands = retention.add_subparsers(dest="retention_command", required=True)
    purge = retention_commands.add_parser("purge", help="purge rows past their retention")
    purge.add_argument("--config", help="retention YAML (default: $PLATFORM_RETENTION_CONFIG)")
    purge.add_argument("--dry-run", action="store_true", help="count, change nothing")
    purge.add_argument("--warehouse", help=_WAREHOUSE_HELP)
    purge.set_defaults(handler=_purge)
