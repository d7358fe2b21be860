"""The call log: every step of every call persisted as an event, call records derived from them."""
