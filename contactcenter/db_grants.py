"""The privileges a PostgreSQL deployment gives the service's own database role.

The append-only access log (``journal_access_log``) is guarded twice: its
triggers refuse UPDATE, DELETE and TRUNCATE for every client, and the service
runs as a role that may only read and append to it. Triggers alone are not
enough, because the owner of a table (and any superuser) may drop or disable
them; so the schema belongs to an *owner* role that runs ``radgivning db
upgrade`` and nothing else, and ``radgivning serve`` connects as a *service*
role that owns nothing. :func:`service_grants` are the statements the owner
runs after each upgrade (``radgivning db grant ROLE``); ``docs/SECURITY.md``
says what each guarantees and what it cannot.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

APPEND_ONLY_TABLES = ("journal_access_log", "coaching_log")
"""Tables the service may read and append to, never change."""

READ_ONLY_TABLES = ("alembic_version",)
"""Tables only the owner writes (the schema's revision)."""


class GrantRefused(Exception):
    """The role cannot be made a safe service role (superuser, owner, or missing)."""


def quote_role(role: str) -> str:
    """``role`` as a quoted SQL identifier (role names come from the operator's command line)."""
    if not role or "\x00" in role or len(role) > 63:
        raise GrantRefused("a role name is 1 to 63 characters, without NUL")
    return '"' + role.replace('"', '""') + '"'


def service_grants(role: str, schema: str = "public") -> list[str]:
    """The GRANT and REVOKE statements that make ``role`` the service's role on ``schema``:
    read and write every table, except append-only and read-only tables."""
    who = quote_role(role)
    where = quote_role(schema)
    statements = [
        f"GRANT USAGE ON SCHEMA {where} TO {who}",
        f"REVOKE CREATE ON SCHEMA {where} FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {where} TO {who}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {where} TO {who}",
    ]
    statements += [f"REVOKE UPDATE, DELETE, TRUNCATE ON {where}.{table} FROM {who}"
                   for table in APPEND_ONLY_TABLES]
    statements += [f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {where}.{table} FROM {who}"
                   for table in READ_ONLY_TABLES]
    return statements


async def check_service_role(conn: AsyncConnection, role: str, schema: str = "public") -> None:
    """Refuse roles for which grants mean nothing: a superuser (bypasses privileges), a
    role that owns tables of the schema (may drop the triggers), or no such role."""
    row = (await conn.execute(text("SELECT rolsuper FROM pg_roles "
                                   "WHERE rolname = :role"), {"role": role})).first()
    if row is None:
        raise GrantRefused(f"no database role {role!r}: create it first (CREATE ROLE ... LOGIN)")
    if row.rolsuper:
        raise GrantRefused(f"{role!r} is a superuser: privileges do not bind it; "
                           "run the service as a role without SUPERUSER")
    owned = (await conn.execute(text(
        "SELECT count(*) FROM pg_tables WHERE schemaname = :schema AND tableowner = :role"),
        {"schema": schema, "role": role})).scalar_one()
    if owned:
        raise GrantRefused(f"{role!r} owns {owned} tables of schema {schema!r} and could drop "
                           "the access log's triggers: migrate as another role (the owner)")


async def grant_service_role(conn: AsyncConnection, role: str, schema: str = "public") -> None:
    """Check ``role`` and run :func:`service_grants` on ``conn`` (as the schema's owner)."""
    await check_service_role(conn, role, schema)
    for statement in service_grants(role, schema):
        await conn.execute(text(statement))
