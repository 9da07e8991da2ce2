"""Golden vectors: the terminal's own steps (PROTOCOL.md section 3): expiry,
account, malformed files, the executed-id memory.
"""

import json

from ea import protocol
from ea.vectors.parts import (
    DEAL,
    LOGIN,
    NEXT,
    NOW,
    PROTOCOL,
    cmd,
    command,
    command_id,
    done,
    expect,
    pos,
    refused,
    state,
    vector,
)


def _raw(name, text):
    """A command file given as text, for files the server would never write."""
    file_name = protocol.command_name(1, command_id(name))
    return {"command_file": {"name": file_name, "text": text}}


def _bad_file(name):
    return "webhook_bad_" + protocol.command_name(1, command_id(name)).removeprefix(
        protocol.COMMAND_PREFIX
    )


def _in_progress(name):
    return protocol.in_progress_name(protocol.command_name(1, command_id(name)))


def _result(name):
    return protocol.result_name(protocol.command_name(1, command_id(name)))


def _command_name(name):
    return protocol.command_name(1, command_id(name))


def _command_text(name):
    return protocol.dumps(command(name, "BUY", "EURUSD", volume=0.1))


def _left_in_progress(name, result=None, **extra):
    """A start-up state: the BUY `name` was in progress when the terminal
    stopped (PROTOCOL.md 3, start-up), maybe after writing `result`."""
    files = {_in_progress(name): _command_text(name)}
    if result is not None:
        files[_result(name)] = protocol.dumps(result)
    return state(files=files, **extra)


def _written_result(name):
    return {"protocol": 1, "id": command_id(name), "account": LOGIN,
            "status": "executed", "retcode": 10009, "ticket": NEXT, "price": 1.0901,
            "volume": 0.1, "message": "BUY 0.1 EURUSD at 1.0901: done",
            "time": NOW, "order": NEXT, "deal": DEAL}  # fmt: skip


def _nested(name):
    data = command(name, "BUY", "EURUSD", volume=0.1)
    data["symbol"] = {"name": "EURUSD"}
    return json.dumps(data)


def _duplicate_key(name):
    text = json.dumps(command(name, "BUY", "EURUSD", volume=0.1))
    return text[:-1] + ', "volume": 5}'


def _bom_crlf(name):
    text = json.dumps(command(name, "BUY", "EURUSD", volume=0.01), indent=1)
    return "\ufeff" + text.replace("\n", "\r\n") + "\r\n"


VECTORS = [
    vector(
        "expired",
        "expires_at is in the past: expired, nothing sent.",
        [PROTOCOL],
        state(),
        cmd("expired", "BUY", "EURUSD", volume=0.1, expires_at=NOW - 5),
        expect(refused(0, "expired"), [], positions=[]),
    ),
    vector(
        "expired_at_exact_time",
        "At expires_at exactly it is already too late.",
        [PROTOCOL],
        state(),
        cmd("expired_at_exact_time", "BUY", "EURUSD", volume=0.1, expires_at=NOW),
        expect(refused(0, "expired"), [], positions=[]),
    ),
    vector(
        "wrong_account",
        "A command for another login: rejected, message 'wrong account'.",
        [PROTOCOL],
        state(),
        cmd("wrong_account", "BUY", "EURUSD", volume=0.1, account="7891011"),
        expect(
            {**refused(0), "account": LOGIN}, [], message="wrong account", positions=[]
        ),
    ),
    vector(
        "malformed_invalid_json",
        "A truncated file has no readable id: no result, moved aside as "
        "webhook_bad_*.json.",
        ["PROTOCOL.md 3 step 2", "PROTOCOL.md 6"],
        state(),
        _raw(
            "malformed_invalid_json",
            '{"protocol": 1, "id": "'
            + command_id("malformed_invalid_json")
            + '", "action": "BUY"',
        ),
        expect(
            None,
            [],
            files_present=[_bad_file("malformed_invalid_json")],
            files_absent=[_in_progress("malformed_invalid_json")],
        ),
    ),
    vector(
        "malformed_nested_value",
        "A nested object is outside the flat subset; the id is readable, so the "
        "command is rejected.",
        ["PROTOCOL.md 6"],
        state(),
        _raw("malformed_nested_value", _nested("malformed_nested_value")),
        expect(
            {**refused(0), "id": command_id("malformed_nested_value")},
            [],
            message="not a scalar",
            positions=[],
        ),
    ),
    vector(
        "malformed_duplicate_key",
        "A duplicate key is refused, never resolved by taking one of the values.",
        ["PROTOCOL.md 6"],
        state(),
        _raw("malformed_duplicate_key", _duplicate_key("malformed_duplicate_key")),
        expect(refused(0), [], message="duplicate key", positions=[]),
    ),
    vector(
        "bom_and_crlf_accepted",
        "A UTF-8 BOM and CRLF line ends are accepted.",
        ["PROTOCOL.md 1", "PROTOCOL.md 6"],
        state(),
        _raw("bom_and_crlf_accepted", _bom_crlf("bom_and_crlf_accepted")),
        expect(done(NEXT, 1.0901, 0.01), [{"retcode": 10009}]),
    ),
    vector(
        "unknown_protocol",
        "protocol 2 is not known: rejected.",
        ["PROTOCOL.md 8"],
        state(),
        cmd("unknown_protocol", "BUY", "EURUSD", volume=0.1, protocol=2),
        expect(refused(0), [], message="unknown protocol", positions=[]),
    ),
    vector(
        "unknown_action",
        "An action outside the list: rejected.",
        ["PROTOCOL.md 3 step 2"],
        state(),
        cmd("unknown_action", "HEDGE", "EURUSD", volume=0.1),
        expect(refused(0), [], message="unknown action"),
    ),
    vector(
        "volume_as_string",
        "A number written as a string is a wrong type: rejected, not converted.",
        ["PROTOCOL.md 3"],
        state(),
        cmd("volume_as_string", "BUY", "EURUSD", volume="0.1"),
        expect(refused(0), [], message="volume must be a number", positions=[]),
    ),
    vector(
        "already_executed",
        "The id is in webhook_executed.txt: no second result, the file is deleted.",
        ["PROTOCOL.md 3 step 4"],
        state(executed_ids=[command_id("already_executed")]),
        cmd("already_executed", "BUY", "EURUSD", volume=0.1),
        expect(
            None,
            [],
            positions=[],
            files_absent=[
                _in_progress("already_executed"),
                _result("already_executed"),
            ],
        ),
    ),
    vector(
        "file_still_being_written",
        "The server is still writing a command: only tmp_*.part is there. It is "
        "neither read nor answered nor moved.",
        ["PROTOCOL.md 2"],
        state(
            files={"tmp_5f1e0c.part": _command_text("file_still_being_written")[:90]}
        ),
        {},
        expect(None, [], positions=[], files_present=["tmp_5f1e0c.part"]),
    ),
    vector(
        "restart_in_progress_unknown",
        "A BUY was in progress, its id already in webhook_executed.txt, when the "
        "terminal stopped: at start-up it is answered unknown and never sent.",
        ["PROTOCOL.md 3 (start-up)"],
        _left_in_progress(
            "restart_in_progress_unknown",
            executed_ids=[command_id("restart_in_progress_unknown")],
        ),
        {},
        expect(
            {**refused(0, "unknown"), "id": command_id("restart_in_progress_unknown")},
            [],
            message="restarted",
            positions=[],
            files_absent=[_in_progress("restart_in_progress_unknown")],
        ),
    ),
    vector(
        "restart_in_progress_rewritten_copy",
        "The terminal stopped between the rename and the executed-id append, and "
        "the server wrote the command again. The in-progress copy is answered "
        "unknown and its id remembered, so the second copy is dropped: a trade "
        "behind an `unknown` the server has already recorded would be invisible.",
        ["PROTOCOL.md 3 (start-up)", "PROTOCOL.md 3 step 4"],
        _left_in_progress("restart_in_progress_rewritten_copy"),
        cmd("restart_in_progress_rewritten_copy", "BUY", "EURUSD", volume=0.1),
        expect(
            refused(0, "unknown"),
            [],
            message="restarted",
            positions=[],
            files_absent=[
                _in_progress("restart_in_progress_rewritten_copy"),
                _command_name("restart_in_progress_rewritten_copy"),
            ],
        ),
    ),
    vector(
        "restart_after_result_written",
        "The terminal stopped after writing the result but before deleting the "
        "in-progress file: the result stands, nothing is sent again.",
        ["PROTOCOL.md 3 (start-up)"],
        _left_in_progress(
            "restart_after_result_written",
            _written_result("restart_after_result_written"),
            executed_ids=[command_id("restart_after_result_written")],
            positions=[pos(NEXT, "EURUSD", "buy", 0.1, 1.0901)],
            next_ticket=NEXT + 1,
        ),
        {},
        expect(
            done(NEXT, 1.0901, 0.1),
            [],
            positions=[pos(NEXT, "EURUSD", "buy", 0.1, 1.0901)],
            files_absent=[_in_progress("restart_after_result_written")],
        ),
    ),
]
