"""``platform-assets backup`` and ``restore``: a consistent snapshot of the warehouse, the
Dagster instance and the laptop's pseudonym key, and bringing one back
(docs/runbooks/backup-and-restore.md).

platform-assets backup [--keep N]
platform-assets backup list
platform-assets restore (BACKUP_ID | --latest) [--force]

Backups go to PLATFORM_BACKUP_DIR (default: backups/ under the data root), one folder per
backup named by its UTC time; the newest PLATFORM_BACKUP_KEEP (default 7) are kept. Exit
1 when a backup or restore cannot be made (the message says why and what to run).
"""

from __future__ import annotations

import argparse
import sys

from platform_assets.backup.sources import BACKUP_DIR_ENV, BACKUP_KEEP_ENV


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.1f} {unit}" if unit != "B" else f"{size} B"
        value /= 1024
    return f"{size} B"


def _backup(args: argparse.Namespace) -> int:
    from platform_assets.backup.catalog import BackupError
    from platform_assets.backup.snapshot import take_backup
    from platform_assets.backup.sources import BackupSources, backup_root, backups_to_keep

    try:
        root = backup_root()
        manifest = take_backup(BackupSources.from_environment(), root, backups_to_keep(args.keep))
    except BackupError as error:
        print(f"platform-assets backup: {error}", file=sys.stderr)
        return 1
    print(
        f"backup {manifest.backup_id} in {root / manifest.backup_id}: "
        f"{len(manifest.tables)} table(s), {_human(manifest.bytes)}, {manifest.seconds} s"
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    from platform_assets.backup.catalog import list_backups
    from platform_assets.backup.sources import backup_root

    root = backup_root()
    backups = list_backups(root)
    if not backups:
        print(f"no complete backup in {root}")
        return 0
    print(f"{len(backups)} backup(s) in {root}, oldest first:")
    for manifest in backups:
        print(
            f"  {manifest.backup_id}  {manifest.warehouse_dialect:8} "
            f"instance {manifest.instance_storage:22} {len(manifest.tables):4} table(s)  "
            f"{_human(manifest.bytes):>10}  platform {manifest.platform_version}"
        )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from platform_assets.backup.catalog import BackupError
    from platform_assets.backup.snapshot import restore_backup
    from platform_assets.backup.sources import BackupSources, backup_root

    if bool(args.backup_id) == bool(args.latest):
        print(
            "platform-assets restore: name the backup to restore (`platform-assets backup "
            "list`) or pass --latest",
            file=sys.stderr,
        )
        return 2
    try:
        result = restore_backup(
            BackupSources.from_environment(), backup_root(), args.backup_id, force=args.force
        )
    except BackupError as error:
        print(f"platform-assets restore: {error}", file=sys.stderr)
        return 1
    for warning in result.warnings:
        print(f"platform-assets restore: warning: {warning}", file=sys.stderr)
    manifest = result.manifest
    print(
        f"restored backup {manifest.backup_id} (taken {manifest.created_at}): "
        f"{len(manifest.tables)} table(s), the instance ({manifest.instance_storage}), "
        f"in {result.seconds} s"
    )
    return 0


def add_backup_commands(commands: argparse._SubParsersAction) -> None:
    """Adds ``backup`` (and ``backup list``) and ``restore`` to the parser."""
    backup = commands.add_parser(
        "backup",
        help=f"back up the warehouse, the Dagster instance and the pseudonym key to "
        f"${BACKUP_DIR_ENV}",
    )
    backup.add_argument(
        "--keep",
        type=int,
        help=f"keep this many newest backups (default ${BACKUP_KEEP_ENV}, else 7)",
    )
    backup.set_defaults(handler=_backup)
    backup_commands = backup.add_subparsers(dest="backup_command")
    listing = backup_commands.add_parser("list", help="the complete backups, oldest first")
    listing.set_defaults(handler=_list)

    restore = commands.add_parser(
        "restore", help="restore a backup, after checking it against its manifest"
    )
    restore.add_argument("backup_id", nargs="?", help="the backup (`platform-assets backup list`)")
    restore.add_argument("--latest", action="store_true", help="the newest complete backup")
    restore.add_argument(
        "--force", action="store_true", help="replace the warehouse and instance that exist"
    )
    restore.set_defaults(handler=_restore)
