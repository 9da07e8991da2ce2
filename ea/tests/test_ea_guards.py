"""The natively built EA's guards beyond the golden vectors (issue 14 points 4
and 5): its limit inputs are checked in OnInit, and it reads a command's
magic and max_volume as the paper terminal does, word for word."""

import pytest

from ea import protocol
from ea.linux import native

from .conftest import result_of
from .test_ea_runtime import body, fake, paper_terminal, run_ea

TOP = 10**18 - 1

# Each case: the changes to a CLOSE_ALL for another account. A command both
# terminals read as valid ends "wrong account"; the others name the field.
CASES = {
    "magic_zero": {"magic": 0},
    "magic_missing": {"magic": None},
    "magic_negative": {"magic": -1},
    "magic_top": {"magic": TOP},
    "magic_one": {"magic": 1},
    "magic_too_large": {"magic": TOP + 1},
    "magic_beyond_64_bits": {"magic": 10**20},
    "magic_as_float": {"magic": 5.5},
    "magic_as_string": {"magic": "7"},
    "max_volume_zero": {"max_volume": 0},
    "max_volume_negative": {"max_volume": -1.5},
    "max_volume_as_string": {"max_volume": "2"},
    "max_volume_given": {"max_volume": 2.5},
}


def test_magic_and_max_volume_read_as_the_paper_terminal_reads_them(
    ea_binary, tmp_path
):
    ea_folder, paper_folder = tmp_path / "ea", tmp_path / "paper"
    ea_folder.mkdir()
    paper_folder.mkdir()
    names = {}
    for seq, (case, change) in enumerate(sorted(CASES.items()), start=1):
        names[case] = protocol.command_name(seq, f"{seq:032x}")
        data = body(id=f"{seq:032x}", seq=seq, **change).encode()
        for folder in (ea_folder, paper_folder):
            (folder / names[case]).write_bytes(data)
    run_ea(ea_binary, ea_folder, timers=1)
    paper_terminal(paper_folder).drain_commands()
    ea, paper = ({case: message(folder, name) for case, name in names.items()}
                 for folder in (ea_folder, paper_folder))  # fmt: skip
    for case in ("magic_zero", "magic_missing", "magic_negative", "magic_too_large"):
        assert ea[case] == paper[case], case
        assert "magic must be from 1 to 999999999999999999" in ea[case][1]
    for case in ("magic_top", "magic_one", "max_volume_given"):
        assert ea[case] == paper[case] == ("rejected", "wrong account"), case
    assert ea["magic_too_large"][1].endswith("not 1000000000000000000")
    assert ea["max_volume_zero"] == paper["max_volume_zero"]
    assert "max_volume must be above 0, not 0" in ea["max_volume_zero"][1]
    for case in ("magic_beyond_64_bits", "magic_as_float", "magic_as_string",
                 "max_volume_negative", "max_volume_as_string"):  # fmt: skip
        assert ea[case][0] == paper[case][0] == "rejected", case
        assert ea[case][1].split(":")[0] == paper[case][1].split(":")[0], case
        field = "magic" if case.startswith("magic") else "max_volume"
        assert field in ea[case][1] and field in paper[case][1], case


def message(folder, name):
    result = result_of(folder, name)
    return result["status"], result["message"]


@pytest.mark.parametrize(
    ("inputs", "complaint"),
    [
        ({"InpMaxLotsPerOrder": -1}, "max lots per order must be 0 (off) or above"),
        ({"InpMaxLotsPerOrder": "nan"}, "max lots per order must be 0 (off) or above"),
        ({"InpMaxPositions": -2}, "max positions must be 0 (off) or above, not -2"),
    ],
)
def test_limit_inputs_out_of_range_stop_the_ea_in_oninit(
    ea_binary, tmp_path, inputs, complaint
):
    terminal = fake(tmp_path)
    done = native.run(ea_binary, tmp_path, terminal, inputs=inputs)
    assert done.returncode == 3  # OnInit answered INIT_FAILED
    assert complaint in done.stderr
    assert terminal.journal == [] and not (tmp_path / protocol.HEARTBEAT).exists()


def test_limit_inputs_of_zero_are_off(ea_binary, tmp_path):
    drop_buy = body(account="1123456", action="BUY", symbol="EURUSD", volume=5.0)
    name = protocol.command_name(1, protocol.loads_flat(drop_buy)["id"])
    (tmp_path / name).write_text(drop_buy)
    terminal = fake(tmp_path)
    inputs = {"InpMaxLotsPerOrder": 0, "InpMaxPositions": 0}
    done = native.run(ea_binary, tmp_path, terminal, inputs=inputs)
    assert done.returncode == 0, done.stderr
    assert result_of(tmp_path, name)["status"] == "executed", result_of(tmp_path, name)[
        "message"
    ]
