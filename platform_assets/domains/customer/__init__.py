"""The single customer view: CRM contacts, legacy spreadsheets and weather, resolved into
one governed record per real customer (shared/specs/customer-view.md)."""
