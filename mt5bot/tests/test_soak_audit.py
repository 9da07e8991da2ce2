"""bench/soak_audit.py reads a soak's witnesses right under a broker that
misbehaves: retries, partial fills, refused reversals that closed something,
timeouts whose deal the journal never saw."""

import pytest

from bench.soak_audit import Audit, counts_lines

MAGIC = 20250929


def command(uid, status, retcode, action="BUY", **extra):
    return {"uid": uid, "status": status, "retcode": retcode, "action": action,
            "close_first": "", "magic": MAGIC, "result_ticket": None,
            "delivered_at": "then", **extra}  # fmt: skip


def line(uid, n, retcode, ticket=None, order=None):
    return {"id": uid, "n": n, "retcode": retcode, "ticket": ticket, "order": order}


def position(ticket, magic=MAGIC):
    return {"ticket": ticket, "magic": magic}


def problems(commands, lines=(), positions=()):
    audit = Audit(commands, {"1": list(lines)}, {"1": list(positions)})
    return audit.run()


def test_retries_a_partial_fill_and_its_remainder_pass():
    commands = [
        command("a", "executed", 10009),
        command("c", "executed", 10010, action="CLOSE_ALL"),
    ]
    lines = [
        line("a", 1, 10004),  # requoted, then sent again
        line("a", 2, 10009, ticket=7, order=7),
        line("c", 1, 10010, ticket=7, order=8),  # half closed
        line("c", 2, 10004),
    ]
    assert problems(commands, lines, [position(7)]) == []


@pytest.mark.parametrize("code", [10004, 10021, 10031, 10019, 0])
def test_a_rejection_that_proves_nothing_executed_passes(code):
    assert problems([command("a", "rejected", code)], [line("a", 1, code)]) == []


def test_the_server_s_own_refusal_before_delivery_passes():
    assert problems([command("a", "rejected", None, delivered_at=None)]) == []


@pytest.mark.parametrize("code", [10012, 10028, 10010, 10009, 10011, None, 5])
def test_a_rejection_whose_code_may_have_executed_fails(code):
    found = problems([command("a", "rejected", code)])
    assert found == [f"1 rejected with a code that may have executed ({code}: 1)"]


def test_a_refused_reversal_may_have_closed_but_not_opened():
    reversal = command("r", "rejected", 10004, close_first="short")
    closed = [line("r", 1, 10009, ticket=5, order=9), line("r", 2, 10004)]
    opener = [line("o", 1, 10009, ticket=5, order=5)]
    commands = [reversal, command("o", "executed", 10009)]
    assert problems(commands, [*opener, *closed]) == []
    opened = [line("r", 3, 10009, ticket=10, order=10)]
    assert "1 trades without an executed command" in problems(
        commands, [*opener, *closed, *opened]
    )


def test_a_trade_under_an_expired_command_fails():
    found = problems([command("a", "expired", 0)], [line("a", 1, 10009, 3, 3)])
    assert "1 trades without an executed command" in found


def test_a_command_run_again_or_opening_twice_is_executed_twice():
    again = [line("a", 1, 10009, 3, 3), line("a", 1, 10009, 4, 4)]
    assert "2 commands executed twice" in problems(
        [command("a", "executed", 10009)], again
    )
    twice = [line("a", 1, 10009, 3, 3), line("a", 2, 10009, 4, 4)]
    assert "1 commands executed twice" in problems(
        [command("a", "executed", 10009)], twice
    )


def test_a_timeout_s_hidden_position_is_accounted_for_by_its_unknown_result():
    """The journal says 10012 with no ticket; the deal went through and the
    terminal's re-read named the new position in the result."""
    lost = [line("t", 1, 10012)]
    named = command("t", "unknown", 10012, result_ticket=11)
    assert problems([named], lost, [position(11)]) == []
    unnamed = command("t", "unknown", 10012)
    found = problems([unnamed], lost, [position(11)])
    assert found == ["1 positions history does not account for"]


def test_a_position_closed_or_open_that_no_command_opened_fails():
    close_all = command("c", "executed", 10009, action="CLOSE_ALL")
    closed = [line("c", 1, 10009, ticket=42, order=43)]
    found = problems([close_all], closed, [position(44), position(45, magic=0)])
    # 42 closed and 44 still open: nobody opened them; 45 is a manual trade.
    assert found == ["2 positions history does not account for"]


def test_an_executed_command_without_a_trade_fails_unless_nothing_was_to_do():
    assert problems([command("c", "executed", 0, action="CLOSE_ALL")]) == []
    found = problems([command("a", "executed", 10009)])
    assert found == ["1 executed commands with no trade"]


def test_a_command_left_in_flight_fails():
    assert problems([command("a", "delivered", None)]) == ["1 commands not final"]


def test_it_counts_per_state_per_retcode_and_per_broker_answer():
    commands = [
        command("a", "executed", 10009),
        command("b", "executed", 10009),
        command("c", "unknown", 10012),
        command("d", "expired", None, delivered_at=None),
    ]
    lines = [line("a", 1, 10004), line("a", 2, 10009, 1, 1),
             line("b", 1, 10009, 2, 2), line("c", 1, 10012)]  # fmt: skip
    states, pairs, answers = counts_lines(Audit(commands, {"1": lines}, {}))
    assert states == (
        "commands per final state: executed: 2, expired: 1, unknown: 1, "
        "failed: 0, rejected: 0"
    )
    assert pairs == (
        "commands per state and retcode: executed 10009: 2, expired -: 1, "
        "unknown 10012: 1"
    )
    assert answers == (
        "trade server answers per retcode (journals): 10009: 2, 10004: 1, 10012: 1"
    )
