"""``radgivning user`` and ``radgivning token`` against a migrated database."""

from __future__ import annotations

PASSWORD = "korrekt häst batteri"


def test_user_commands_refuse_to_run_before_the_schema_is_migrated(cli, capsys):
    assert cli("user", "list") == 4
    assert "run `radgivning db upgrade`" in capsys.readouterr().err


def test_a_user_created_from_stdin_is_listed_with_roles_and_regions(migrated_cli, capsys):
    assert migrated_cli("user", "create", "anna", "--role", "nurse", "--role", "supervisor",
                        "--region", "01", "--region", "03", "--display-name", "Anna Svensson",
                        "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert "created user anna" in capsys.readouterr().out
    assert migrated_cli("user", "list") == 0
    listing = capsys.readouterr().out
    assert "anna" in listing and "nurse,supervisor" in listing and "01,03" in listing
    assert "Anna Svensson" in listing


def test_the_password_is_prompted_twice_without_password_stdin(migrated_cli, capsys,
                                                               monkeypatch):
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert migrated_cli("user", "create", "anna", "--role", "nurse", "--region", "01") == 0


def test_differing_passwords_at_the_prompt_create_nothing(migrated_cli, capsys, monkeypatch):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert migrated_cli("user", "create", "anna", "--role", "nurse", "--region", "01") == 1
    assert "passwords differ" in capsys.readouterr().err


def test_an_unknown_region_is_reported_without_a_traceback(migrated_cli, capsys):
    assert migrated_cli("user", "create", "anna", "--role", "nurse", "--region", "02",
                        "--password-stdin", stdin=PASSWORD) == 1
    assert "unknown region code '02'" in capsys.readouterr().err


def test_an_existing_username_is_reported(migrated_cli, capsys):
    args = ("user", "create", "anna", "--role", "nurse", "--region", "01", "--password-stdin")
    assert migrated_cli(*args, stdin=PASSWORD) == 0
    assert migrated_cli(*args, stdin=PASSWORD) == 1
    assert "exists" in capsys.readouterr().err


def test_passwd_changes_the_password(migrated_cli, capsys, db_url: str):
    migrated_cli("user", "create", "anna", "--role", "nurse", "--region", "01",
                 "--password-stdin", stdin=PASSWORD)
    assert migrated_cli("user", "passwd", "anna", "--password-stdin",
                        stdin="ett helt nytt lösen\n") == 0
    assert "password of anna changed" in capsys.readouterr().out
    assert migrated_cli("user", "passwd", "nobody", "--password-stdin",
                        stdin="ett helt nytt lösen\n") == 1


def test_a_token_is_printed_once_listed_by_name_and_revoked(migrated_cli, capsys):
    migrated_cli("user", "create", "wfm", "--role", "staffing_system", "--region", "*",
                 "--password-stdin", stdin=PASSWORD)
    capsys.readouterr()
    assert migrated_cli("token", "create", "wfm", "--name", "bemanning",
                        "--expires-days", "90") == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("rgv_")
    assert migrated_cli("token", "list", "wfm") == 0
    listing = capsys.readouterr().out
    assert "bemanning" in listing and "active" in listing and token not in listing
    assert migrated_cli("token", "revoke", "wfm", "--name", "bemanning") == 0
    capsys.readouterr()
    migrated_cli("token", "list", "wfm")
    assert "revoked" in capsys.readouterr().out
    assert migrated_cli("token", "revoke", "wfm", "--name", "bemanning") == 1
    assert "no active token" in capsys.readouterr().err


def test_a_token_for_an_unknown_user_is_refused(migrated_cli, capsys):
    assert migrated_cli("token", "create", "nobody", "--name", "x") == 1
    assert "no such user" in capsys.readouterr().err
