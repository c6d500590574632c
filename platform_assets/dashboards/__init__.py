"""The platform's dashboards library: what every domain's static HTML pages share.

A domain keeps its own sections, queries and page templates; from here it takes the
Jinja2 environment (``environment.py``: autoescaping, the number filters of
``formatting.py``, the page layout and stylesheet of ``templates/``), the owner-only,
atomic page writer and the dashboards folder (``files.py``), and the columns of the
table its dashboard asset returns (``schema.py``). Nothing here imports a domain: the
domains may not import one another, so what two of them need lives here.
"""
