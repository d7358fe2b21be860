"""Users, roles scoped to regions, web login and API tokens (behörighet)."""
