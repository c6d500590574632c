"""Local HTTP servers that speak the source APIs, for tests over real loopback HTTP."""
