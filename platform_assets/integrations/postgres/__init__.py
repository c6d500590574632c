"""The PostgreSQL warehouse's roles and grants (``platform-assets warehouse setup``). Its
session lives with the other backend in ``platform_assets.warehouse``."""
