"""The ``platform-assets`` command line."""
