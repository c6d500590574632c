"""Self-contained HTML dashboards of the DORA metrics, one per metric family.

Each family module reads its marts and renders its Jinja2 template (``templates/``) with
the figures and chart specs (``charts.py``) it gathered, as a ``Dashboard`` (see
``page.py``); the ``dora_dashboards`` asset (``asset.py``) writes them to files. The
pages render offline: inline CSS and inline SVG, every value from the data escaped by
the template environment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from platform_assets.domains.dora.dashboards import (
    change_failure_rate,
    deployment_frequency,
    lead_time,
    recovery_time,
)
from platform_assets.domains.dora.dashboards.page import Dashboard
from platform_assets.warehouse import WarehouseSession

Renderer = Callable[[WarehouseSession], Dashboard]

#: The four dashboards, in navigation order.
RENDERERS: Final[tuple[Renderer, ...]] = (
    deployment_frequency.render,
    lead_time.render,
    change_failure_rate.render,
    recovery_time.render,
)

#: Every mart a dashboard reads: the asset's upstream dependencies.
MARTS_READ: Final = tuple(
    sorted(
        {
            *deployment_frequency.MARTS,
            *lead_time.MARTS,
            *change_failure_rate.MARTS,
            *recovery_time.MARTS,
        }
    )
)


def render_dashboards(session: WarehouseSession) -> list[Dashboard]:
    """Every dashboard, rendered from the marts on ``session``, one after the other:
    rendering is Python under the GIL, so pages in threads only contend for it."""
    return [renderer(session) for renderer in RENDERERS]


__all__ = ["MARTS_READ", "RENDERERS", "Dashboard", "render_dashboards"]
