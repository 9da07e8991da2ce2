"""The natively built EA's HTTP schedule, on the runtime's own clock
(runtime.cpp, MQL5_VIRTUAL_CLOCK): each timer is one poll period after the
last, so seconds of polling and back-off run in no time, exactly."""

from ea import protocol
from ea.linux import native
from ea.linux.bridge import FakeTerminal

from .conftest import LOGIN, NOW, command, make_broker

HTTP = {"InpTransport": 1, "InpServerUrl": "http://server.test", "InpEAKey": "k3y",
        "InpPollMilliseconds": 100, "InpHeartbeatSeconds": 2}  # fmt: skip
PREFIX = f"http://server.test/api/ea/{LOGIN}/"


class Server:
    """Answers nothing for its first `away` calls (the EA sees -1), then as
    PROTOCOL.md 7 says."""

    def __init__(self, away=0, commands=()):
        self.away = away
        self.commands = list(commands)
        self.calls = []

    def __call__(self, method, url, headers, body):
        self.calls.append((method, url.removeprefix(PREFIX)))
        if len(self.calls) <= self.away:
            return -1, b""
        if (method, url) == ("GET", PREFIX + "commands"):
            if not self.commands:
                return 204, b""
            return 200, protocol.dumps(self.commands.pop(0)).encode()
        return (200, b'{"recorded": true}') if url.endswith("results") else (204, b"")

    def gets(self):
        return sum(1 for call in self.calls if call == ("GET", "commands"))


def run(binary, folder, server, timers):
    terminal = FakeTerminal(make_broker(), LOGIN, folder, NOW, http=server)
    done = native.run(
        binary, folder, terminal, timers=timers, inputs=HTTP, virtual_clock=True
    )
    assert done.returncode == 0, done.stderr
    return terminal, done.stderr


def test_it_backs_off_while_the_server_is_down_and_says_so_once(ea_binary, tmp_path):
    server = Server(away=10**6)
    terminal, log = run(ea_binary, tmp_path, server, timers=100)  # 10 s
    # The start-up heartbeat finds it down; then GET at 0, 2 and 6 s (next: 14).
    assert server.gets() == 3
    assert server.calls[0] == ("POST", "heartbeat")
    assert len(server.calls) == 4  # no heartbeat posted while it is down
    assert log.count("server down") == 1
    assert "server NOT reachable" in terminal.comments[-2]
    assert "last error: server: GET commands: no answer" in terminal.comments[-2]


def test_it_says_when_the_server_is_back_and_polls_each_second(ea_binary, tmp_path):
    server = Server(away=3)  # the heartbeat and the GETs at 0 and 2 s
    terminal, log = run(ea_binary, tmp_path, server, timers=100)
    # Back at 6 s, then idle: 7, 8 and 9 s.
    assert server.gets() == 6
    assert log.count("server down") == 1
    assert log.count("server back after 6 s") == 1
    assert "server reachable" in terminal.comments[-2]
    assert server.calls[-1] == ("POST", "heartbeat")  # the last one: stopped


def test_it_asks_again_at_once_after_a_command(ea_binary, tmp_path):
    buy = command("BUY", volume=0.1)
    server = Server(commands=[buy])
    terminal, _ = run(ea_binary, tmp_path, server, timers=5)  # 0.5 s
    # The command and 204, again on the next timer, then idle for a second.
    assert server.gets() == 3
    assert [line["id"] for line in terminal.journal] == [buy["id"]]
    assert ("POST", "results") in server.calls
