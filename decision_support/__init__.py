"""Decision support (beslutsstöd): symptom-searchable guidelines, urgency and care type."""
