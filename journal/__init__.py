"""Journal (journal): the signed, access-logged record of every advice call."""
