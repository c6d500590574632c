"""The customer domain's data-quality dashboard: one self-contained HTML page of counts
(invalid values, quarantined records, duplicates found, weather completeness, last
loads), rendered by Jinja2 templates (``templates/``) from the silver, gold and ops
tables, and written by the ``customer_data_quality`` asset (``asset.py``)."""
