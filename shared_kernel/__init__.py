"""What every context legitimately shares, and nothing else.

``clock`` (the injected clock's type and the real one), ``naming`` (the
constraint naming convention every context's tables use, so migrations are
stable) and ``errors`` (the domain error every context raises: a stable
``error_id``, a message and ``details``, with a *kind* — never an HTTP status;
the web layer maps kinds to statuses in one place). It imports no framework
and no other package of the project; an import-linter contract keeps it so.
"""
