"""The revisions, one module each (a package, so a wheel ships them)."""
