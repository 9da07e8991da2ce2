"""`manage.py mappings`: the seed's custom_mappings.json in and out, and a
symbol tried on every account before an alert goes live."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from accounts.models import SymbolList
from mapping.models import SymbolMapping
from mapping.resolver import resolve

pytestmark = pytest.mark.django_db

SEED = {"goldspot": "XAUUSD", "dj30": "DJ30.f", "nas": "USTEC"}


def run(*args):
    out = io.StringIO()
    call_command("mappings", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seed_file(tmp_path):
    path = tmp_path / "custom_mappings.json"
    path.write_text(json.dumps(SEED, indent=2))
    return path


def test_import_then_export_gives_the_seeds_file_back(seed_file, tmp_path, cast):
    assert "3 new, 0 changed" in run("import", str(seed_file))
    assert dict(SymbolMapping.objects.values_list("alias", "symbol")) == {
        "GOLDSPOT": "XAUUSD",
        "DJ30": "DJ30.f",
        "NAS": "USTEC",
    }
    run("export", str(tmp_path / "out.json"))
    assert json.loads((tmp_path / "out.json").read_text()) == SEED
    assert json.loads(run("export", "-")) == SEED


def test_the_seeds_file_is_the_default(settings, seed_file, cast):
    settings.DATA_DIR = seed_file.parent
    run("import")
    assert SymbolMapping.objects.count() == 3


def test_imported_mappings_win_on_every_account(seed_file, cast, listed):
    listed(cast["main"], "plain")
    listed(cast["second"], "m_suffix")
    assert resolve(cast["main"], "DJ30").symbol == "US30"
    run("import", str(seed_file))
    assert resolve(cast["main"], "DJ30").symbol == "DJ30.f"
    assert resolve(cast["second"], "goldspot").symbol == "XAUUSDm"


def test_import_updates_and_with_replace_deletes(seed_file, cast):
    run("import", str(seed_file))
    seed_file.write_text(json.dumps({"goldspot": "XAUUSD.r"}))
    assert "1 changed, 0 deleted" in run("import", str(seed_file))
    assert "0 changed, 2 deleted" in run("import", str(seed_file), "--replace")
    assert list(SymbolMapping.objects.values_list("alias", "symbol")) == [
        ("GOLDSPOT", "XAUUSD.r")
    ]


def test_an_accounts_mappings_are_imported_and_exported_apart(seed_file, cast):
    run("import", str(seed_file), "--account", "1123456")
    assert SymbolMapping.objects.filter(account=cast["main"]).count() == 3
    assert json.loads(run("export", "-")) == {}
    assert json.loads(run("export", "-", "--account", "1123456")) == SEED


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("{", "Not JSON"),
        ('["XAUUSD"]', "Expected an object"),
        ('{"gold": 5}', "not a symbol name"),
        ('{"gold": "XAU USD"}', "not a symbol name"),
        ('{"gold": "XAUUSD", "GOLD": "XAUUSD"}', "appears twice"),
    ],
)
def test_a_bad_file_imports_nothing(tmp_path, cast, text, error):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(CommandError, match=error):
        run("import", str(path))
    assert not SymbolMapping.objects.exists()


def test_resolve_prints_each_account_and_how(cast, listed):
    listed(cast["main"], "m_suffix")
    listed(cast["second"], "aliases")
    lines = run("resolve", "EURJPY").splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("1123456  [18 symbols]  REFUSED  EURJPY is not on")
    assert lines[1] == "5550001  [list unknown]  EURJPY  (unchecked)"
    assert lines[3].startswith("7891011  [17 symbols]  REFUSED")
    assert run("resolve", "xauusd", "--account", "7891011") == (
        "7891011  [17 symbols]  GOLD  (rule)\n"
    )


def test_resolve_names_an_unknown_account(cast):
    with pytest.raises(CommandError, match="No account 42"):
        run("resolve", "XAUUSD", "--account", "42")


def test_refresh_asks_every_account_or_one(cast, listed, settings):
    settings.SYMBOL_FETCH_ENABLED = False
    listed(cast["main"], "plain")
    assert "SYMBOL_FETCH_ENABLED is off" in run("refresh", "--account", "1123456")
    assert SymbolList.objects.get(account=cast["main"]).refresh_requested_at
    run("refresh")
    assert SymbolList.objects.filter(refresh_requested_at__isnull=False).count() == 4
