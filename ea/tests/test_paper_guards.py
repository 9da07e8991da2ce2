"""The paper terminal's own limits as a real process (issue 14 point 4): the
options and environment variables that set what the EA's inputs set."""

import os
import subprocess
import sys

import pytest

from ea import protocol

from .conftest import LOGIN
from .test_paper_process import REPO, TIMEOUT, files_dir, positions, read, send


def run_once(folder, *extra, env=None):
    return subprocess.run(
        [sys.executable, "-m", "ea.paper", "--files", str(folder), "--login", LOGIN,
         "--once", *extra],
        cwd=REPO, env=env, capture_output=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip


def answer(folder, name):
    return read(folder / protocol.result_name(name))


def test_max_lots_refuses_a_larger_order_and_sends_nothing(tmp_path):
    folder = files_dir(tmp_path)
    folder.mkdir(parents=True)
    name, _ = send(folder, "BUY", "EURUSD", volume=1.5, max_volume=100)
    done = run_once(folder, "--max-lots", "1")
    assert done.returncode == 0, done.stderr
    result = answer(folder, name)
    assert (result["status"], result["retcode"]) == ("rejected", 0)
    assert result["message"] == (
        "volume 1.5 is above the terminal's limit of 1 lots per order "
        "(max lots) (not sent)"
    )
    assert positions(folder) == []


def test_the_environment_sets_max_positions(tmp_path):
    folder = files_dir(tmp_path)
    folder.mkdir(parents=True)
    env = {**os.environ, "MT5BOT_PAPER_MAX_POSITIONS": "1"}
    first, _ = send(folder, "BUY", "EURUSD", volume=0.1)
    second, _ = send(folder, "SELL", "GBPUSD", volume=0.1)
    assert run_once(folder, env=env).returncode == 0
    assert answer(folder, first)["status"] == "executed"
    refused = answer(folder, second)
    assert (refused["status"], refused["retcode"]) == ("rejected", 0)
    assert "1 positions and orders of ours are open" in refused["message"]
    assert len(positions(folder)) == 1


@pytest.mark.parametrize(
    "extra",
    [["--max-lots", "-1"], ["--max-lots", "nan"], ["--max-positions", "-3"],
     ["--max-positions", "1.5"]],
)  # fmt: skip
def test_limits_below_zero_or_not_numbers_exit_2(tmp_path, extra):
    done = run_once(tmp_path, *extra)
    assert done.returncode == 2
    assert b"is not a number >= 0" in done.stderr
