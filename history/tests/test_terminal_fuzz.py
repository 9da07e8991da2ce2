"""Generated results and heartbeats aimed at the limits (issue 13, point 6):
as files through the supervisor's ingest and keeper, and as bodies over the
EA's HTTP endpoints, 2,000 of each per run. Never a 5xx, never a crashed
step, and afterwards every Command and account reads back through the ORM,
the history rows and the API."""

import itertools
import json
import os
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.bridge import delivery
from accounts.bridge.keeper import TerminalKeeper
from accounts.models import Account, files_dir
from ea import bounds, protocol
from history import rows
from history.models import Command, Outcome, Signal, Status

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
BODIES = 2000
FUZZ = hsettings(
    max_examples=BODIES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values at and just past every limit of ea/PROTOCOL.md §4-§6, and anything else.
INT_EDGES = [0, -1, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**63 - 1, 2**63]
edge_ints = st.sampled_from([*INT_EDGES, 2**64, -(2**63), -(2**63) - 1, 10**30])
edge_ints |= st.integers()
edge_floats = st.sampled_from(
    [1e12, -1e12, 999999999999.9999, 1e14, 99999999999999.98, 1e300, 5e-324, -0.0]
) | st.floats(allow_nan=False, allow_infinity=False)
edge_text = st.sampled_from(
    ["", "\x00", "a\x00b", "x" * (bounds.MAX_TEXT + 1), "\ud800", "é\u2028"]
) | st.text(max_size=30)
value = st.none() | st.booleans() | edge_ints | edge_floats | edge_text
statuses = st.sampled_from([*protocol.RESULT_STATUSES, "EXECUTED", ""])
# What JSON can say that Python's encoder will not write: infinities, depth.
RAW = [b'"x": 1e400', b'"x": -1e999', b'"x": ' + b"[" * 5000 + b"]" * 5000]


def body(command_id, fields, raw):
    """One result body for `command_id`, maybe with a raw member spliced in."""
    data = {"protocol": 1, "id": command_id, **fields}
    text = json.dumps(data).encode()
    return text if raw is None else text[:-1] + b", " + raw + b"}"


results = st.fixed_dictionaries(
    {"status": statuses},
    optional={
        "retcode": value,
        "ticket": value,
        "price": value,
        "volume": value,
        "message": value,
        "closed": value,
    },
)
raws = st.none() | st.none() | st.sampled_from(RAW)
beats = st.dictionaries(
    st.sampled_from(["login", "balance", "equity", "positions", "server", "seq"])
    | edge_text,
    value,
    max_size=8,
)


class Commands:
    """Delivered commands made straight in the database, one per body."""

    def __init__(self):
        self.signal = Signal.objects.create(outcome=Outcome.ACCEPTED, http_status=200)
        self.account = Account.objects.get(login="1123456")

    def delivered(self):
        now = timezone.now()
        return Command.objects.create(
            signal=self.signal,
            account=self.account,
            account_login="1123456",
            action="BUY",
            symbol="EURUSD",
            status=Status.DELIVERED,
            queued_at=now,
            delivered_at=now,
            expires_at=now + timedelta(hours=1),
        )


def read_everything_back(admin_client):
    """Every row, as the pages and the API read it: none may fail."""
    commands = list(Command.objects.all())
    rows.rows_for(list(Signal.objects.values_list("pk", flat=True)))
    assert rows.account_rows()
    for path in ("/api/commands/?limit=1000", "/api/accounts/"):
        answer = admin_client.get(path)
        assert answer.status_code == 200, answer.content[:300]
    return commands


@pytest.fixture
def http_key(cast):
    account = cast["main"]
    account.transport = "http"
    account.save()
    return account.set_ea_key()


def test_result_files_never_stop_ingest(cast, admin_client, settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    folder = files_dir("1123456")
    folder.mkdir(parents=True)
    made, sent = Commands(), itertools.count()

    @FUZZ
    @given(fields=results, raw=raws)
    def run(fields, raw):
        command = made.delivered()
        name = protocol.result_name(command.file_name)
        (folder / name).write_bytes(body(command.uid.hex, fields, raw))
        assert delivery.ingest("1123456") in (0, 1)
        command.refresh_from_db()
        event(command.status)
        assert protocol.listing(folder, protocol.RESULT_PREFIX) == []
        next(sent)

    run()
    assert next(sent) >= BODIES
    seen = {c.status for c in read_everything_back(admin_client)}
    # Both sides of the limits were reached: refused files and recorded ones.
    assert "delivered" in seen and seen & set(protocol.RESULT_STATUSES)
    assert seen <= {"delivered", *protocol.RESULT_STATUSES}


def test_heartbeat_files_never_stop_the_keeper(cast, admin_client, settings, tmp_path):
    settings.MT5_INSTANCES_DIR = tmp_path / "instances"
    folder = files_dir("1123456")
    folder.mkdir(parents=True)
    keeper, account, sent = TerminalKeeper(), cast["main"], itertools.count()
    mtimes = itertools.count(1_000_000_000)

    @FUZZ
    @given(beat=beats, raw=raws)
    def run(beat, raw):
        path = folder / protocol.HEARTBEAT
        path.write_bytes(body("x", beat, raw))
        stamp = next(mtimes)  # a new mtime: the keeper reads every one
        os.utime(path, (stamp, stamp))
        keeper.saved_at.clear()
        keeper.record(account, None)
        Account.objects.get(pk=account.pk)
        next(sent)

    run()
    assert next(sent) >= BODIES
    read_everything_back(admin_client)


def test_results_over_http_never_answer_5xx(client, http_key, admin_client):
    made, codes = Commands(), []

    @FUZZ
    @given(fields=results, raw=raws, which=st.sampled_from(["own", "own", "other"]))
    def run(fields, raw, which):
        command = made.delivered()
        uid = command.uid.hex if which == "own" else uuid.uuid4().hex
        answer = client.post(
            "/api/ea/1123456/results",
            body(uid, fields, raw),
            content_type="application/json",
            HTTP_X_EA_KEY=http_key,
        )
        event(str(answer.status_code))
        assert answer.status_code in (200, 400), answer.content[:300]
        if answer.status_code == 400:
            assert answer.json()["error"] in ("bad_body", "bad_result")
        Command.objects.get(pk=command.pk)
        codes.append(answer.status_code)

    run()
    assert len(codes) >= BODIES and 200 in codes and 400 in codes
    seen = {c.status for c in read_everything_back(admin_client)}
    assert "delivered" in seen and seen & set(protocol.RESULT_STATUSES)


def test_heartbeats_over_http_never_answer_5xx(client, http_key, admin_client):
    codes = []

    @FUZZ
    @given(beat=beats, raw=raws)
    def run(beat, raw):
        answer = client.post(
            "/api/ea/1123456/heartbeat",
            body("x", beat, raw),
            content_type="application/json",
            HTTP_X_EA_KEY=http_key,
        )
        event(str(answer.status_code))
        assert answer.status_code in (204, 400), answer.content[:300]
        if answer.status_code == 400:
            assert answer.json()["error"] in ("bad_body", "bad_heartbeat")
        Account.objects.get(login="1123456")
        codes.append(answer.status_code)

    run()
    assert len(codes) >= BODIES and 204 in codes and 400 in codes
    read_everything_back(admin_client)
