"""The data products, one folder each. A domain is a package here whose ``definitions``
module exposes ``defs``; the code location (``platform_assets.definitions``) finds every
one by iterating this package, so no module outside a domain names it (a test over the
import graph holds to that)."""
