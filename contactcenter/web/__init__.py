"""The web server: the application, the core API routes, errors, security and the OpenAPI
document (``app``, ``api``, ``errors``, ``json_input``, ``security``, ``openapi``)."""
