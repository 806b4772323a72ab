"""Where the server URL comes from, and that its password is never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.sessions.sync.url import ServerUrl, SyncConfigError, resolve_url, scrub, server_key, server_label

URL = "postgresql://hall_a:pa55word@db.example.org:5433/liike?sslmode=verify-full"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIIKE_DATABASE_URL", raising=False)


def _private(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def test_the_flag_wins_then_the_variable_then_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = _private(tmp_path / "database_url", "# the resort's server\npostgresql://file@h/liike\n")
    assert resolve_url(None, config_file=tmp_path / "missing") is None
    assert resolve_url(None, config_file=file) == ServerUrl("postgresql://file@h/liike", str(file))
    monkeypatch.setenv("LIIKE_DATABASE_URL", " postgresql://env@h/liike ")
    assert resolve_url(None, config_file=file) == ServerUrl("postgresql://env@h/liike", "LIIKE_DATABASE_URL")
    assert resolve_url("postgresql://flag@h/liike", config_file=file) == ServerUrl("postgresql://flag@h/liike", "--url")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_a_file_others_can_read_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    file = _private(tmp_path / "database_url", URL + "\n", mode)
    with pytest.raises(SyncConfigError) as caught:
        resolve_url(None, config_file=file)
    message = str(caught.value)
    assert f"chmod 600 {file}" in message and "pa55word" not in message


def test_a_file_with_two_urls_or_none_is_refused(tmp_path: Path) -> None:
    for text in ("", "postgresql://a@h/x\npostgresql://b@h/x\n"):
        file = _private(tmp_path / "database_url", text)
        with pytest.raises(SyncConfigError, match="one server URL on one line"):
            resolve_url(None, config_file=file)


def test_a_malformed_url_is_refused_without_quoting_it() -> None:
    with pytest.raises(SyncConfigError) as caught:
        resolve_url("host=db password='pa55word")
    assert "pa55word" not in str(caught.value) and "--url" in str(caught.value)


def test_servers_are_named_without_the_password() -> None:
    assert server_label(URL) == "hall_a@db.example.org:5433/liike"
    assert server_key(URL) == "db.example.org:5433/liike"
    assert server_key("postgresql://other:x@db.example.org:5433/liike") == server_key(URL)  # same server, other role
    assert server_label("host=/run/pg dbname=liike user=hall_a password=pa55word") == "hall_a@/run/pg/liike"
    assert "pa55word" not in repr(ServerUrl(URL, "--url"))
    failure = 'connection to "db.example.org" failed for postgresql://hall_a:pa55word@db.example.org: pa55word rejected'
    assert "pa55word" not in scrub(failure, URL)
