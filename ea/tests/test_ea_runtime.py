"""The natively built EA beyond the golden vectors: what it announces, how it
drains and remembers commands across restarts, trade permissions, the HTTP
transport, and its JSON reader against the paper terminal's."""

import json
import re
import shutil

import pytest

from ea import protocol
from ea.linux import native
from ea.linux.bridge import FakeTerminal
from ea.paper.state import ExecutedIds, Journal, Store
from ea.paper.terminal import Terminal

from .conftest import LOGIN, NOW, command, drop, make_broker, result_of


def fake(folder, **options):
    return FakeTerminal(make_broker(), LOGIN, folder, NOW, **options)


def run_ea(binary, folder, terminal=None, **options):
    terminal = terminal or fake(folder)
    done = native.run(binary, folder, terminal, **options)
    assert done.returncode == 0, done.stderr
    assert terminal.problems == []
    return terminal


def paper_terminal(folder):
    return Terminal(
        folder, LOGIN, make_broker(), Store(folder), Journal(folder), ExecutedIds(folder),
        clock=lambda: NOW,
    )  # fmt: skip


# --- heartbeat and symbols ----------------------------------------------------------


def test_it_announces_itself_as_the_paper_terminal_does(ea_binary, tmp_path):
    run_ea(ea_binary, tmp_path)
    heartbeat = protocol.read_flat(tmp_path / protocol.HEARTBEAT)
    paper = paper_terminal(tmp_path).heartbeat("stopped")  # the EA's last one
    assert list(heartbeat) == list(paper)
    assert heartbeat["kind"] == "mt5" and heartbeat["login"] == LOGIN
    assert heartbeat["connected"] is True and heartbeat["trade_allowed"] is True
    assert (heartbeat["margin_mode"], heartbeat["seq"]) == ("hedging", 2)
    # When and by what it was compiled: natively, g++'s clock and build 0.
    assert re.fullmatch(r"\d{4}\.\d\d\.\d\d \d\d:\d\d mql5-0", heartbeat["ea_build"])
    assert paper["ea_build"].startswith("python-3.")
    symbols = json.loads((tmp_path / protocol.SYMBOLS).read_text())
    names = [entry["name"] for entry in symbols["symbols"]]
    market = make_broker().market
    assert names == list(market.specs)
    eurusd = symbols["symbols"][names.index("EURUSD")]
    expected = market.specs["EURUSD"].public(1.0)
    assert set(eurusd) == set(expected)
    assert eurusd == pytest.approx(expected)


def test_its_symbols_list_is_the_paper_terminals_catalogue_too(ea_binary, tmp_path):
    ea_folder, paper_folder = tmp_path / "ea", tmp_path / "paper"
    ea_folder.mkdir(), paper_folder.mkdir()
    run_ea(ea_binary, ea_folder)
    paper_terminal(paper_folder).write_symbols()
    ea, paper = (
        {
            e["name"]: e
            for e in json.loads((f / protocol.SYMBOLS).read_text())["symbols"]
        }
        for f in (ea_folder, paper_folder)
    )
    assert list(ea) == list(paper)
    for name, entry in ea.items():
        assert entry == pytest.approx(paper[name]), name
    assert (ea["US100"]["calc_mode"], ea["US100"]["expiration_time"]) == (
        "futures",
        1923984000,
    )
    assert (ea["US100Cash"]["calc_mode"], ea["US100Cash"]["expiration_time"]) == (
        "cfd_index",
        0,
    )
    assert ea["US100"]["path"] == "Indices\\Futures\\US100"


def test_the_heartbeat_seq_carries_on_across_restarts(ea_binary, tmp_path):
    run_ea(ea_binary, tmp_path)
    run_ea(ea_binary, tmp_path)
    # Each run: one at start-up, one `stopped` from OnDeinit.
    assert protocol.read_flat(tmp_path / protocol.HEARTBEAT)["seq"] == 4


def test_it_answers_a_symbols_request(ea_binary, tmp_path):
    (tmp_path / protocol.SYMBOLS_REQUEST).write_text("{}")
    run_ea(ea_binary, tmp_path)
    assert not (tmp_path / protocol.SYMBOLS_REQUEST).exists()
    assert (tmp_path / protocol.SYMBOLS).exists()


# --- commands -------------------------------------------------------------------------


def test_it_drains_every_command_in_order_in_one_pass(ea_binary, tmp_path):
    first = command("BUY", volume=0.1, seq=101)
    second = command("BUY", volume=0.2, seq=102)
    close = command("CLOSE_SYMBOL", seq=103)
    names = [drop(tmp_path, c) for c in (close, second, first)]
    terminal = run_ea(ea_binary, tmp_path, timers=1)
    ids = [line["id"] for line in terminal.journal]
    assert ids == [first["id"], second["id"], close["id"], close["id"]]
    assert result_of(tmp_path, names[0])["closed"] == 2
    assert terminal.broker.positions == []


def test_a_restart_never_executes_a_command_twice(ea_binary, tmp_path):
    buy = command("BUY", volume=0.1)
    name = drop(tmp_path, buy)
    run_ea(ea_binary, tmp_path)
    assert result_of(tmp_path, name)["status"] == "executed"
    (tmp_path / protocol.result_name(name)).unlink()  # the server took it
    drop(tmp_path, buy)  # ...and, unsure, wrote it again
    terminal = run_ea(ea_binary, tmp_path)
    assert terminal.journal == []
    assert result_of(tmp_path, name) is None
    assert not (tmp_path / name).exists()
    assert (tmp_path / protocol.EXECUTED).read_text() == buy["id"] + "\n"


@pytest.mark.parametrize(
    ("flag", "reason"),
    [
        ("TERMINAL_TRADE_ALLOWED", "Algo Trading button"),
        ("MQL_TRADE_ALLOWED", "Allow Algo Trading"),
        ("ACCOUNT_TRADE_EXPERT", "broker does not allow"),
        ("ACCOUNT_TRADE_ALLOWED", "investor"),
    ],
)
def test_it_refuses_when_trading_is_not_allowed(ea_binary, tmp_path, flag, reason):
    name = drop(tmp_path, command("BUY", volume=0.1))
    terminal = run_ea(ea_binary, tmp_path, fake(tmp_path, flags={flag: 0}))
    result = result_of(tmp_path, name)
    assert (result["status"], result["retcode"]) == ("rejected", 0)
    assert reason in result["message"]
    assert terminal.journal == []
    assert protocol.read_flat(tmp_path / protocol.HEARTBEAT)["trade_allowed"] is False


def test_it_waits_until_the_terminal_is_logged_in(ea_binary, tmp_path):
    name = drop(tmp_path, command("BUY", volume=0.1))
    run_ea(ea_binary, tmp_path, fake(tmp_path, flags={"ACCOUNT_LOGIN": 0}))
    assert (tmp_path / name).exists()
    assert not (tmp_path / protocol.HEARTBEAT).exists()


# --- HTTP --------------------------------------------------------------------------------


class Server:
    """PROTOCOL.md 7, as far as the EA sees it."""

    def __init__(self, commands, results_status=200, asks=(), symbols_status=200):
        self.commands = list(commands)
        self.results_status = results_status
        self.calls, self.results, self.heartbeats = [], [], []
        self.asks = set(asks)  # heartbeats (1, 2, ...) answered "send_symbols"
        self.symbols_status, self.symbols = symbols_status, []

    def __call__(self, method, url, headers, body):
        self.calls.append((method, url, headers))
        if "X-EA-Key: k3y\r\n" not in headers:
            return 401, b""
        path = url.removeprefix(f"http://server.test/api/ea/{LOGIN}/")
        if (method, path) == ("GET", "commands"):
            if not self.commands:
                return 204, b""
            return 200, protocol.dumps(self.commands.pop(0)).encode()
        if (method, path) == ("POST", "results"):
            self.results.append(protocol.loads_flat(body))
            return self.results_status, b'{"recorded": true}'
        if (method, path) == ("POST", "heartbeat"):
            self.heartbeats.append(protocol.loads_flat(body))
            if len(self.heartbeats) in self.asks:
                return 200, b'{"send_symbols": true}'
            return 204, b""
        if (method, path) == ("POST", "symbols"):
            self.symbols.append(json.loads(body))
            return self.symbols_status, b'{"stored": true}'
        return 404, b""


HTTP = {"InpTransport": 1, "InpServerUrl": "http://server.test/", "InpEAKey": "k3y"}


def test_the_http_transport_executes_and_reports(ea_binary, tmp_path):
    buy = command("BUY", volume=0.1)
    server = Server([buy])
    terminal = run_ea(ea_binary, tmp_path, fake(tmp_path, http=server), inputs=HTTP)
    assert [line["id"] for line in terminal.journal] == [buy["id"]]
    assert [(r["id"], r["status"]) for r in server.results] == [(buy["id"], "executed")]
    assert server.heartbeats and server.heartbeats[0]["kind"] == "mt5"
    assert list(tmp_path.glob(protocol.RESULT_PREFIX + "*")) == []
    assert all(
        url.startswith("http://server.test/api/ea/") for _, url, _ in server.calls
    )


def test_a_result_the_server_did_not_take_is_kept_and_sent_later(ea_binary, tmp_path):
    buy = command("BUY", volume=0.1)
    server = Server([buy], results_status=503)
    run_ea(ea_binary, tmp_path, fake(tmp_path, http=server), inputs=HTTP)
    assert len(list(tmp_path.glob(protocol.RESULT_PREFIX + "*"))) == 1
    server.results_status = 200
    terminal = run_ea(ea_binary, tmp_path, fake(tmp_path, http=server), inputs=HTTP)
    assert terminal.journal == []  # sent again: the result, never the order
    assert server.results[-1]["id"] == buy["id"]
    assert list(tmp_path.glob(protocol.RESULT_PREFIX + "*")) == []


def test_over_http_it_posts_its_symbols_once_started(ea_binary, tmp_path):
    server = Server([])
    run_ea(ea_binary, tmp_path, fake(tmp_path, http=server), inputs=HTTP)
    assert len(server.symbols) == 1  # after the start-up heartbeat, not the final one
    assert server.symbols[0] == json.loads((tmp_path / protocol.SYMBOLS).read_text())
    posted = {e["name"]: e for e in server.symbols[0]["symbols"]}
    assert posted["US100"]["calc_mode"] == "futures"


# A heartbeat each second on the runtime's own clock: 25 timers of 100 ms
# see the start-up one, those at 1 and 2 s, and the final one.
EACH_SECOND = {**HTTP, "InpPollMilliseconds": 100, "InpHeartbeatSeconds": 1}


def run_seconds(binary, folder, server):
    terminal = fake(folder, http=server)
    run_ea(binary, folder, terminal, timers=25, inputs=EACH_SECOND, virtual_clock=True)
    assert len(server.heartbeats) == 4


def test_over_http_it_posts_them_again_when_a_heartbeat_answer_asks(
    ea_binary, tmp_path
):
    server = Server([], asks={2})
    run_seconds(ea_binary, tmp_path, server)
    assert len(server.symbols) == 2  # at start, and once asked


def test_over_http_a_refused_list_waits_until_the_server_asks(ea_binary, tmp_path):
    server = Server([], symbols_status=400)
    run_seconds(ea_binary, tmp_path, server)
    assert len(server.symbols) == 1


# --- the JSON reader, against the paper terminal's ----------------------------------------


def body(**changes):
    data = command("CLOSE_ALL", account="7891011", comment="x")
    data.update(changes)
    return protocol.dumps(data)


FILES = {
    "valid": body(),
    "bom_crlf": "\ufeff"
    + json.dumps(json.loads(body()), indent=1).replace("\n", "\r\n"),
    "escapes": body(comment='\u00e9\n\t"\\/ \ud83d\ude00'),
    "raw_utf8": body(comment="caf\u00e9 \U0001f600"),
    "lone_surrogate": body().replace('"comment":"x"', '"comment":"\\ud800"'),
    "exponents": body(volume=1e-1, price=1.5e2).replace("150.0", "1.5E+2"),
    "reversed_keys": json.dumps(dict(reversed(json.loads(body()).items()))),
    "nested": body(symbol={"name": "EURUSD"}),
    "array": body(symbol=["EURUSD"]),
    "duplicate": body()[:-1] + ',"volume":5}',
    "nan": body().replace('"volume":null', '"volume":NaN'),
    "infinity": body().replace('"volume":null', '"volume":-Infinity'),
    "huge_number": body().replace('"volume":null', '"volume":1e400'),
    "trailing_garbage": body() + " x",
    "top_level_array": "[" + body() + "]",
    "truncated": body()[:60],
    "empty": "",
    "single_quotes": body().replace('"x"', "'x'"),
    "leading_zero": body().replace('"seq":', '"seq":0'),
    "control_character": body(comment="a\u0001b").replace("\\u0001", "\u0001"),
    "two_ids": body(symbol={"id": "x"}),
    "no_id": body().replace('"id":', '"idx":'),
    "id_not_a_string": body(id=5),
    "volume_as_string": body(volume="0.1"),
    "ticket_as_float": body(ticket=5.0),
    "protocol_as_float": body(protocol=1.0),
    "flag_as_string": body(include_manual="yes"),
    "no_expires_at": body(expires_at=None),
    "unknown_action": body(action="HEDGE"),
    "unknown_order_type": body(order_type="iceberg"),
    "negative_magic": body(magic=-1),
}
RAW = {
    "invalid_utf8": b'{"id": "' + b"ab" * 16 + b'", "comment": "\xff"}',
    "overlong_utf8": b'{"id": "' + b"ab" * 16 + b'", "comment": "\xc0\x80"}',
}


def verdict(folder, name):
    """What a terminal made of one file: moved aside, or its result's
    status, id and the kind of message (the words before the first ':')."""
    rest = name.removeprefix(protocol.COMMAND_PREFIX)
    if (folder / ("webhook_bad_" + rest)).exists():
        return "moved aside"
    result = result_of(folder, name)
    if result is None:
        return None
    return result["status"], result["id"], result["message"].split(":")[0]


def test_the_json_reader_agrees_with_the_paper_terminal(ea_binary, tmp_path):
    ea_folder, paper_folder = tmp_path / "ea", tmp_path / "paper"
    ea_folder.mkdir()
    files = {k: v.encode() for k, v in FILES.items()} | RAW
    names = {}
    for seq, (case, raw) in enumerate(sorted(files.items()), start=1):
        names[case] = protocol.command_name(seq, f"{seq:032x}")
        (ea_folder / names[case]).write_bytes(raw)
    shutil.copytree(ea_folder, paper_folder)
    run_ea(ea_binary, ea_folder, timers=1)
    paper_terminal(paper_folder).drain_commands()
    ea = {case: verdict(ea_folder, name) for case, name in names.items()}
    paper = {case: verdict(paper_folder, name) for case, name in names.items()}
    assert ea == paper
    assert ea["valid"][2] == "wrong account"  # read and checked, then refused
    assert ea["nested"][2] == "malformed command"
    assert ea["truncated"] == "moved aside"
    assert ea["volume_as_string"][2] == "invalid command"
