"""The shared server's administration: ``python -m game.sessions.sync.admin --url URL COMMAND``.

Run by the server's administrator, connected as the database's owner (never as a station):

- ``migrate``: create or upgrade the ``liike`` schema, its roles and policies (versioned; safe to
  repeat; stations do it themselves only when their role may, which a station role may not).
- ``site NAME``: create the login role a site's stations forward as, a member of
  ``liike_station``. Its password is read from standard input (``--password-stdin``) or made up
  and printed once, for the site's ``database_url`` file; it is never logged.
- ``status``: the schema version, and per site its installations and sessions.

Exit codes: 0 done, 2 bad input or refused by the server, 3 the server cannot be reached.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
from collections.abc import Sequence

import psycopg
import psycopg.errors
from psycopg import sql

from game.sessions.sync.forward import Conn, ServerUnavailable, SyncError, connect
from game.sessions.sync.server_schema import SERVER_SCHEMA_VERSION, ServerSchemaError, migrate, server_version
from game.sessions.sync.url import SyncConfigError, resolve_url, scrub

#: Site role names: PostgreSQL identifiers that need no quoting (and read well in a leaderboard).
SITE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m game.sessions.sync.admin",
        description="Set up the shared PostgreSQL server Liike stations forward sessions to. Connect as the database owner.",
    )
    parser.add_argument(
        "--url", metavar="URL", help="the server as its owner (default: LIIKE_DATABASE_URL, then the database_url file)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub.add_parser("migrate", help="create or upgrade the liike schema, roles and policies")
    site = sub.add_parser("site", help="create the login role a site's stations forward as")
    site.add_argument("name", help="role name: lower-case letters, digits and _, e.g. hall_a")
    site.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("status", help="schema version, and installations and sessions per site")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        server = resolve_url(args.url)
    except SyncConfigError as exc:
        return _fail(str(exc))
    if server is None:
        return _fail("no server: pass --url (as the database owner) or set LIIKE_DATABASE_URL")
    try:
        conn = connect(server)
    except (ServerUnavailable, SyncError) as exc:
        return _fail(str(exc), 3 if isinstance(exc, ServerUnavailable) else 2)
    try:
        if args.command == "migrate":
            applied = migrate(conn)
            done = f"applied versions {', '.join(map(str, applied))}" if applied else "already up to date"
            print(f"{server.label}: liike schema version {SERVER_SCHEMA_VERSION}, {done}")
        elif args.command == "site":
            return _site(conn, args.name, args.password_stdin, server.label)
        else:
            _status(conn, server.label)
    except ServerSchemaError as exc:
        return _fail(str(exc))
    except psycopg.errors.InsufficientPrivilege as exc:
        return _fail(f"{server.label} refused: {scrub(str(exc), server.url)}; connect as the database owner")
    except psycopg.OperationalError as exc:
        return _fail(f"the connection to {server.label} was lost: {scrub(str(exc), server.url)}", 3)
    finally:
        conn.close()
    return 0


def _site(conn: Conn, name: str, from_stdin: bool, label: str) -> int:
    if not SITE_NAME.fullmatch(name):
        return _fail(f"site name {name!r}: use lower-case letters, digits and _ (starting with a letter), e.g. hall_a")
    if server_version(conn) < SERVER_SCHEMA_VERSION:
        return _fail(f"{label} has no up-to-date liike schema: run `migrate` first")
    password = sys.stdin.readline().rstrip("\n") if from_stdin else secrets.token_urlsafe(18)
    if not password:
        return _fail("no password on standard input")
    try:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE liike_station").format(sql.Identifier(name), sql.Literal(password))
        )
    except psycopg.errors.DuplicateObject:
        return _fail(f"a role {name} already exists on {label}; choose another name, or ALTER ROLE it by hand")
    print(f"{label}: site role {name} created (member of liike_station)")
    if not from_stdin:
        print(f"password (shown once; put it in the site's database_url file, chmod 600): {password}")
    return 0


def _status(conn: Conn, label: str) -> None:
    version = server_version(conn)
    print(f"{label}: liike schema version {version} (this Liike: {SERVER_SCHEMA_VERSION})")
    if version == 0:
        return
    rows = conn.execute(
        "SELECT st.site, count(DISTINCT st.installation_id), count(s.session_uuid) FROM liike.stations st "
        "LEFT JOIN liike.sessions s ON s.installation_id = st.installation_id GROUP BY st.site ORDER BY st.site"
    ).fetchall()
    for site, installations, sessions in rows:
        print(f"  {site}: {installations} installations, {sessions} sessions")


def _fail(message: str, code: int = 2) -> int:
    print(f"liike: {message}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
