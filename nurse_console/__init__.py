"""Nurse console (sjuksköterskans stöd): Textual TUI and web view on the service API."""
