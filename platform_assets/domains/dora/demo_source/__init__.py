"""The bundled demo source: realistic, deterministic DORA activity, generated vectorized."""

from platform_assets.domains.dora.demo_source.connector import DemoConnector, DemoSettings

__all__ = ["DemoConnector", "DemoSettings"]
