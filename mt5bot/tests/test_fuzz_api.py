"""Schemathesis against the REST API's own OpenAPI schema, on a real server.

Every operation gets generated valid and invalid requests (the coverage,
fuzzing and stateful phases). The run must find nothing: no 5xx, every
status code, content type and body as the schema documents them. Then the
server's log must hold no traceback, and no file may have appeared outside
the install's folders.

Three of schemathesis's checks are left out, each for a reason:
- `ignored_auth`: the run sends a valid token on every request, so its
  "invalid auth" variants still carry one. Login is required everywhere:
  test_api.py checks each endpoint without it.
- `positive_data_acceptance`: a request can match the schema and still name
  an account that does not exist; refusing it is right.
- `negative_data_rejection`: DRF reads an empty query parameter as absent
  (`?until=`) and a number as a string for a text field; both are DRF's
  documented behaviour, not a way in.

MT5BOT_FUZZ_EXAMPLES sets the examples per operation (default 25); CI runs
with a fixed seed (HYPOTHESIS_PROFILE=ci), locally every run explores anew.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mt5bot.tests.test_serve import ROOT, TOKEN, request, run_server

ST = Path(sys.executable).with_name("st")
EXCLUDED = "ignored_auth,positive_data_acceptance,negative_data_rejection"
CONFIG = """\
[parameters]
"path.login" = "1123456"
"path.id" = 1
"""
SEED_DATA = """
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
user = User.objects.create_superuser("fuzz", "", "fuzz-password-0123")
print(Token.objects.create(user=user).key)
"""
# What a server may write in its folder: the database, logs, terminals'
# folders, static files; and what this test writes there itself.
ALLOWED = ("mt5bot.sqlite3", "logs", "instances", "static", "server.log", "fuzz")


def files_under(path):
    return {p.relative_to(path) for p in path.rglob("*")}


@pytest.fixture
def server(tmp_path):
    yield from run_server(tmp_path, "--no-supervisor")


@pytest.mark.e2e
@pytest.mark.skipif(not ST.exists(), reason="schemathesis is not installed")
def test_the_api_answers_every_generated_request_as_documented(server):
    port, folder, _ = server
    env = {**os.environ, "DATA_DIR": str(folder), "MT5BOT_ENV_FILE": os.devnull}
    env.update(DJANGO_SETTINGS_MODULE="mt5bot.settings", SECRET_KEY="e2e-secret")
    env.pop("DATABASE_URL", None)
    key = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED_DATA],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    for action in ("BUY", "SELL", "CLOSE_ALL"):
        body = json.dumps(
            {
                "account_number": "1123456",
                "symbol": "EURUSD",
                "action": action,
                "volume": 0.1,
            }
        )
        assert request(port, "POST", f"/webhook/{TOKEN}", body)[0] == 200
    before = files_under(folder)
    work = folder / "fuzz"
    work.mkdir()
    (work / "schemathesis.toml").write_text(CONFIG)
    examples = os.environ.get("MT5BOT_FUZZ_EXAMPLES", "25")
    seed = ["--seed", "1"] if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else []
    run = subprocess.run(
        [
            str(ST),
            "--config-file",
            str(work / "schemathesis.toml"),
            "run",
            f"http://127.0.0.1:{port}/api/schema/",
            "--header",
            f"Authorization: Token {key}",
            "--checks",
            "all",
            "--exclude-checks",
            EXCLUDED,
            "--max-examples",
            examples,
            "--workers",
            "1",
            *seed,
            "--generation-database",
            "none",
            "--no-color",
            "--report",
            "json",
            "--report-dir",
            str(work),
        ],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=900,
    )
    [report] = [json.loads(p.read_text()) for p in work.glob("json-*.json")]
    cases = report["test_cases"]
    print(
        f"\nAPI fuzz: {report['operations']['tested']} operations, "
        f"{cases['generated']} cases, {cases['with_failures']} with failures, "
        f"{len(report['errors'])} errors, seed {report['seed']}"
    )
    assert run.returncode == 0, run.stdout[-6000:]
    assert cases["generated"] >= 20 * report["operations"]["tested"]
    assert report["operations"]["tested"] == report["operations"]["total"]
    log = (folder / "server.log").read_text()
    assert "Traceback" not in log and "Internal Server Error" not in log
    new = {p for p in files_under(folder) - before if p.parts[0] not in ALLOWED}
    assert not new, f"files outside the install's folders: {sorted(new)[:10]}"
