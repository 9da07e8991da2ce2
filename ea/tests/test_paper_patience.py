"""The paper terminal under a misbehaving broker (issue 14, ea/paper/patience.py):
timeouts are `unknown` and never resent, refusals that prove nothing executed
are retried inside the command's time, a disconnected terminal waits instead
of sending, a partly filled close sends its remainder, and lookups wait for a
fresh position and a first tick. Time moves only through the test clock."""

import pytest

from ea import bounds, protocol
from ea.paper import rules
from ea.paper.faults import Faults
from ea.paper.patience import RETRY_PAUSE, RETRYABLE, TRIES

from .conftest import NOW, Desk, command, drop, make_broker, result_of

RETRYABLE_FAULTS = ["requote", "price_changed", "price_off", "too_many",
                    "connection"]  # fmt: skip


def scripted(clock, *script, margin_mode="hedging", **values):
    """A broker whose first sends meet `script`'s faults, then none."""
    broker = make_broker(margin_mode, clock=clock)
    broker.faults = Faults(script=script, **values)  # on, even with no script yet
    return broker


def open_position(broker, symbol="EURUSD", volume=0.1, side="buy"):
    """A position of ours, opened on the perfect broker before faults start."""
    faults, broker.faults = broker.faults, None
    result = Desk(broker)(side.upper(), symbol, volume=volume)
    broker.faults = faults
    assert result["status"] == "executed"
    return result["ticket"]


def place_order(broker):
    faults, broker.faults = broker.faults, None
    result = Desk(broker)("BUY", order_type="limit", price=1.08, volume=0.1)
    broker.faults = faults
    return result["ticket"]


# --- 1. timeouts: unknown, never resent, state re-read ---------------------------


def timed_out(clock, executed):
    return scripted(clock, "timeout", timeout_done=executed)


@pytest.mark.parametrize("executed", [0, 1])
@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("BUY", {"volume": 0.1}),
        ("SELL", {"volume": 0.1}),
        ("CLOSE", {"ticket": "position"}),
        ("CLOSE_SYMBOL", {}),
        ("CLOSE_LONG", {}),
        ("CLOSE_ALL", {}),
        ("MODIFY", {"ticket": "position", "take_profit": 1.1}),
        ("CANCEL", {"ticket": "order"}),
        ("SELL", {"volume": 0.1, "close_first": "long"}),
    ],
)
def test_a_timeout_is_reported_unknown(clock, action, fields, executed):
    """PROTOCOL.md §4: an answer lost to a timeout is `unknown`, whichever
    way it went at the broker, on every action, and is never sent again."""
    broker = timed_out(clock, executed)
    position, order = open_position(broker), place_order(broker)
    fields = {**fields}
    if "ticket" in fields:
        fields["ticket"] = position if fields["ticket"] == "position" else order
    desk = Desk(broker)
    result = desk(action, **fields)
    assert (result["status"], result["retcode"]) == ("unknown", 10012)
    assert len(desk.sent) == 1  # not retried
    assert "outcome unknown, not retried; now " in result["message"]
    if action == "SELL" and "close_first" in fields:
        assert "nothing opened" in result["message"]


@pytest.mark.parametrize(
    ("executed", "says"),
    [(1, "is not listed (closed?)"), (0, "is still listed: buy 0.1 lots")],
)
def test_a_lost_close_reports_the_position_as_read_again(clock, executed, says):
    broker = timed_out(clock, executed)
    ticket = open_position(broker)
    result = Desk(broker)("CLOSE", ticket=ticket)
    assert result["ticket"] == ticket
    assert f"now position #{ticket} {says}" in result["message"]
    assert (broker.position(ticket) is None) == bool(executed)


@pytest.mark.parametrize("visible_after", [0, 200])
def test_a_lost_open_names_the_position_it_left(clock, visible_after):
    """The new position is waited for (a broker may publish it late) and
    named; one that was there before is not taken for it."""
    broker = timed_out(clock, 1)
    broker.faults.settings["visible_after"] = visible_after
    old = open_position(broker)
    result = Desk(broker)("BUY", volume=0.1)
    [new] = [p for p in broker.positions if p["ticket"] != old]
    assert (result["status"], result["ticket"]) == ("unknown", new["ticket"])
    assert f"new of ours on EURUSD: #{new['ticket']} buy 0.1 lots" in result["message"]
    assert f"#{old}" not in result["message"]


def test_a_lost_open_that_left_nothing_says_so(clock):
    broker = timed_out(clock, 0)
    open_position(broker)
    result = Desk(broker)("BUY", volume=0.1)
    assert (result["status"], result["ticket"]) == ("unknown", None)
    assert "no new position or order of ours on EURUSD after 1 s" in result["message"]


def test_a_send_without_a_retcode_is_unknown(clock):
    """OrderSend false with no retcode: as lost as a timeout."""
    broker = make_broker(clock=clock)
    sends = []

    def failing(request):
        sends.append(request)
        return rules.answer(0, "OrderSend failed")

    broker.send = failing
    result = Desk(broker)("BUY", volume=0.1)
    assert (result["status"], result["retcode"], len(sends)) == ("unknown", 0, 1)
    assert result["message"].startswith("no answer from the server: outcome unknown")


# --- 2. retries on refusals that prove nothing executed -----------------------------


@pytest.mark.parametrize("fault", RETRYABLE_FAULTS)
def test_a_refusal_that_proves_nothing_is_retried(clock, fault):
    broker = scripted(clock, fault, fault)
    desk = Desk(broker)
    result = desk("BUY", volume=0.1)
    assert (result["status"], result["retcode"]) == ("executed", 10009)
    assert [res["retcode"] in RETRYABLE for _, res in desk.sent] == [True, True, False]
    assert len(broker.positions) == 1
    assert clock.now == pytest.approx(NOW + 2 * RETRY_PAUSE)


def test_a_close_hit_by_one_requote_ends_closed(clock):
    broker = scripted(clock)
    ticket = open_position(broker)
    broker.faults.script = ["requote"]
    result = Desk(broker)("CLOSE", ticket=ticket)
    assert (result["status"], result["closed"]) == ("executed", 1)
    assert broker.positions == []


def test_close_all_hit_by_requotes_closes_everything(clock):
    broker = scripted(clock)
    tickets = [open_position(broker, side=s) for s in ("buy", "sell", "buy")]
    broker.faults.script = ["requote", None, "price_changed", "too_many"]
    result = Desk(broker)("CLOSE_ALL")
    assert (result["status"], result["closed"]) == ("executed", len(tickets))
    assert "failed" not in result and broker.positions == []


def test_the_retry_sends_a_fresh_price_and_stops(clock):
    broker = scripted(clock, "requote")
    market = broker.market

    def sleep(seconds):
        clock.sleep(seconds)
        market.set_quote("EURUSD", 1.0910, 1.0911)

    desk = Desk(broker)
    desk.patience.sleep = sleep
    result = desk("BUY", volume=0.1, sl_points=200)
    first, second = (request for request, _ in desk.sent)
    assert (first["price"], second["price"]) == (1.0901, 1.0911)
    assert second["sl"] == pytest.approx(1.0891)
    assert result["price"] == 1.0911


def test_retries_are_bounded(clock):
    broker = scripted(clock, *["requote"] * 10)
    before = broker.snapshot()
    desk = Desk(broker)
    result = desk("BUY", volume=0.1)
    assert (result["status"], result["retcode"]) == ("rejected", 10004)
    assert len(desk.sent) == TRIES
    assert broker.snapshot() == before


def test_retries_never_pass_expires_at(clock):
    broker = scripted(clock, *["requote"] * 10)
    desk = Desk(broker)
    result = desk("BUY", volume=0.1, expires_at=NOW + 0.6)
    assert (result["status"], result["retcode"]) == ("rejected", 10004)
    assert len(desk.sent) == 3  # at NOW, +0.25, +0.5; +0.75 is past it
    assert clock.now < NOW + 0.6


def test_a_refusal_that_may_mean_anything_else_is_not_retried(clock):
    broker = make_broker(clock=clock)
    broker.closed_symbols.add("EURUSD")
    desk = Desk(broker)
    result = desk("BUY", volume=0.1)
    assert (result["status"], result["retcode"], len(desk.sent)) == (
        "rejected",
        rules.MARKET_CLOSED,
        1,
    )


def test_a_busy_trade_context_is_not_sent_again(clock):
    # 10028 (locked for processing) does not say whether the request ran:
    # unknown, sent once.
    broker = scripted(clock, "busy")
    desk = Desk(broker)
    result = desk("BUY", volume=0.1)
    assert (result["status"], result["retcode"], len(desk.sent)) == (
        "unknown",
        10028,
        1,
    )
    assert broker.positions == []


def offline(clock):
    """A broker 5 s into a 10 s disconnect (NOW+55 to NOW+60)."""
    broker = make_broker(clock=clock)
    broker.use_faults(Faults(disconnect=5, disconnect_every=60))
    assert broker.connected()  # the first look starts the windows at NOW
    clock.now = NOW + 55
    return broker


def test_a_disconnected_terminal_waits_and_then_sends(clock):
    broker = offline(clock)
    desk = Desk(broker)
    result = desk("BUY", volume=0.1, expires_at=NOW + 90)
    assert result["status"] == "executed" and len(desk.sent) == 1
    assert NOW + 60 <= clock.now < NOW + 61


def test_a_command_whose_time_ends_offline_expires_unsent(clock):
    broker = offline(clock)
    before = broker.snapshot()
    desk = Desk(broker)
    result = desk("BUY", volume=0.1, expires_at=NOW + 58)
    assert (result["status"], result["retcode"]) == ("expired", 0)
    assert "no connection to the trade server" in result["message"]
    assert desk.sent == [] and broker.snapshot() == before
    assert clock.now < NOW + 58


def test_a_disconnected_terminal_claims_no_command(clock, make_terminal, tmp_path):
    """The file stays untaken, so the server can still withdraw it; the
    heartbeat goes on, saying disconnected."""
    broker = offline(clock)
    clock.now = NOW
    ticket = open_position(broker)
    clock.now = NOW + 55
    terminal = make_terminal(broker)
    name = drop(tmp_path, command("CLOSE", ticket=ticket, expires_at=NOW + 90))
    terminal.drain_commands()
    terminal.heartbeat_when_due()
    assert result_of(tmp_path, name) is None and (tmp_path / name).exists()
    assert broker.position(ticket) is not None
    assert protocol.read_flat(tmp_path / protocol.HEARTBEAT)["connected"] is False
    clock.now = NOW + 60  # connected again, inside the command's time
    terminal.drain_commands()
    assert result_of(tmp_path, name)["status"] == "executed"
    assert broker.position(ticket) is None


def test_a_terminal_waiting_offline_in_a_command_keeps_its_heartbeat(
    clock, make_terminal, tmp_path
):
    """Claimed while connected, then offline before the send: a wait up to
    expires_at outlasts the server's freshness window, so the heartbeat
    goes on while the command waits."""
    broker = offline(clock)
    clock.now = NOW + 54.99
    terminal = make_terminal(broker, monotonic=clock)
    terminal.write_heartbeat()
    first = protocol.read_flat(tmp_path / protocol.HEARTBEAT)
    # The tick wait before the send crosses into the disconnect.
    broker.use_faults(Faults(disconnect=5, disconnect_every=60, notick=0.1))
    broker.faults.start = NOW
    name = drop(tmp_path, command("BUY", volume=0.1, expires_at=NOW + 90))
    terminal.drain_commands()
    assert result_of(tmp_path, name)["status"] == "executed"
    beat = protocol.read_flat(tmp_path / protocol.HEARTBEAT)
    assert beat["seq"] >= first["seq"] + 2 and beat["connected"] is False


# --- 3. partial fills ------------------------------------------------------------


def test_a_partly_filled_close_sends_the_rest(clock):
    broker = scripted(clock)
    ticket = open_position(broker, "XAUUSD", 1.0)
    broker.faults.script = ["partial"]
    desk = Desk(broker)
    result = desk("CLOSE", "XAUUSD", ticket=ticket)
    assert (result["status"], result["retcode"]) == ("executed", 10009)
    assert (result["closed"], result["volume"]) == (1, 1.0)
    assert len(desk.sent) == 2 and broker.positions == []
    assert 0 < desk.sent[0][1]["volume"] < 1.0


def test_a_close_that_stays_partial_says_what_is_left(clock, make_terminal, tmp_path):
    broker = scripted(clock)
    ticket = open_position(broker, "XAUUSD", 1.0)
    broker.faults.script = ["partial"] * 10
    name = drop(tmp_path, command("CLOSE", "XAUUSD", ticket=ticket))
    make_terminal(broker).drain_commands()
    result = bounds.check_result(result_of(tmp_path, name))
    left = broker.position(ticket)["volume"]
    assert (result["status"], result["retcode"]) == ("executed", 10010)
    assert result["volume"] == pytest.approx(1.0 - left) and left > 0
    assert f"{left:g} still open on #{ticket}" in result["message"]
    assert "partial_close: " in result["message"]
    assert result["closed_volume"] == result["volume"]
    assert result["remaining_volume"] == pytest.approx(left)


def test_a_partly_filled_open_reports_the_filled_volume(clock):
    broker = scripted(clock, "partial")
    result = Desk(broker)("BUY", "XAUUSD", volume=1.0)
    [position] = broker.positions
    assert (result["status"], result["retcode"]) == ("executed", 10010)
    assert result["volume"] == position["volume"] < 1.0
    assert f"filled in part: {position['volume']:g} of 1 lots" in result["message"]


def test_a_reversal_whose_close_stays_partial_opens_nothing(clock):
    broker = scripted(clock)
    ticket = open_position(broker, "XAUUSD", 1.0)
    broker.faults.script = ["partial"] * 10
    result = Desk(broker)("SELL", "XAUUSD", volume=0.5, close_first="long")
    assert result["status"] == "rejected" and "nothing opened" in result["message"]
    assert [p["ticket"] for p in broker.positions] == [ticket]


# --- 4. lookups that wait --------------------------------------------------------


@pytest.mark.parametrize("action", ["CLOSE_SYMBOL", "CLOSE", "MODIFY"])
def test_a_lookup_right_after_an_open_waits_for_the_position(clock, action):
    broker = make_broker(clock=clock)
    broker.use_faults(Faults(visible_after=200))
    desk = Desk(broker)
    ticket = desk("BUY", volume=0.1)["ticket"]
    fields = {"take_profit": 1.1} if action == "MODIFY" else {}
    if action != "CLOSE_SYMBOL":
        fields["ticket"] = ticket
    result = desk(action, **fields)
    assert result["status"] == "executed" and result["ticket"] == ticket
    assert NOW + 0.2 <= clock.now < NOW + 0.3


def test_a_symbol_without_a_tick_is_waited_for(clock):
    broker = make_broker(clock=clock)
    broker.use_faults(Faults(notick=0.5))
    desk = Desk(broker)
    result = desk("BUY", volume=0.1, sl_points=200)
    [(request, _)] = desk.sent
    assert result["status"] == "executed" and request["price"] == 1.0901
    assert request["sl"] == pytest.approx(1.0881)
    assert clock.now >= NOW + 0.5


def test_a_symbol_that_stays_without_a_tick_is_refused_unsent(clock):
    broker = make_broker(clock=clock)
    broker.use_faults(Faults(notick=60))
    desk = Desk(broker)
    result = desk("BUY", volume=0.1, sl_points=200)
    assert (result["status"], result["retcode"]) == ("rejected", 0)
    assert result["message"].startswith("no_quote: no valid tick for EURUSD")
    assert desk.sent == [] and broker.positions == []


def test_a_modify_without_a_tick_is_not_judged_on_zero(clock):
    broker = make_broker(clock=clock)
    ticket = open_position(broker)
    broker.use_faults(Faults(notick=60))
    desk = Desk(broker)
    result = desk("MODIFY", ticket=ticket, stop_loss=1.07)
    assert (result["status"], result["retcode"]) == ("rejected", 0)
    assert result["message"].startswith("no_quote: ")
    assert "no valid tick for EURUSD within 2 s" in result["message"]
    assert result["code"] == "no_quote"
    assert desk.sent == [] and broker.position(ticket)["sl"] is None
