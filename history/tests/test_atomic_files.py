"""The two properties the peer lacked: a reader polling with no delay never
sees a partial command file, and commands written in the same millisecond
never share a name."""

import itertools
import json
import os
import threading
import time
import uuid

from ea import protocol


def test_a_reader_polling_without_delay_never_sees_a_partial_file(tmp_path):
    # Big enough that a non-atomic write would be caught half-way.
    padding = "x" * 20_000
    count = 300
    seen, partial, stop = {}, [], threading.Event()

    def read_constantly():
        while not stop.is_set():
            for name in protocol.listing(tmp_path, protocol.COMMAND_PREFIX):
                try:
                    raw = (tmp_path / name).read_bytes()
                except FileNotFoundError:
                    continue
                try:
                    seen[name] = json.loads(raw)["n"]
                except ValueError:
                    partial.append((name, len(raw)))

    reader = threading.Thread(target=read_constantly)
    reader.start()
    try:
        for n in range(count):
            name = protocol.command_name(n, uuid.uuid4().hex)
            protocol.write_atomic(tmp_path, name, {"n": n, "pad": padding})
    finally:
        stop.set()
        reader.join()
    assert partial == []
    assert len(seen) > count // 10, "the reader must actually have raced the writer"
    assert not [n for n in os.listdir(tmp_path) if n.startswith(protocol.TEMP_PREFIX)]


def test_the_same_reader_does_see_partial_files_from_a_plain_write(tmp_path):
    """The control: without the rename, the race above is real here. It
    writes until the reader catches a file half-way: on a loaded machine 200
    files were sometimes not enough."""
    padding = "x" * 200_000
    partial, stop = [], threading.Event()

    def read_constantly():
        while not stop.is_set():
            for name in os.listdir(tmp_path):
                raw = (tmp_path / name).read_bytes()
                try:
                    json.loads(raw)
                except ValueError:
                    partial.append(name)

    reader = threading.Thread(target=read_constantly)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        for n in itertools.count():
            with open(tmp_path / f"plain_{n % 200}.json", "w") as handle:
                for chunk in range(0, len(padding), 4096):
                    handle.write(
                        ('{"pad": "' if chunk == 0 else "")
                        + padding[chunk : chunk + 4096]
                    )
                    handle.flush()
                handle.write('"}')
            if partial or time.monotonic() > deadline:
                break
    finally:
        stop.set()
        reader.join()
    assert partial, (
        "a plain write was never caught half-way; the test above proves nothing"
    )


def test_commands_written_in_the_same_millisecond_never_collide(tmp_path):
    barrier = threading.Barrier(8)
    names = []

    def write(seq):
        barrier.wait()
        name = protocol.command_name(seq, uuid.uuid4().hex)
        protocol.write_atomic(tmp_path, name, {"seq": seq})
        names.append(name)

    threads = [threading.Thread(target=write, args=(seq,)) for seq in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    on_disk = protocol.listing(tmp_path, protocol.COMMAND_PREFIX)
    assert sorted(names) == on_disk and len(on_disk) == 8
    assert [json.loads((tmp_path / n).read_text())["seq"] for n in on_disk] == list(
        range(1, 9)
    )


def test_the_strict_reader_refuses_what_the_ea_would_refuse():
    good = b'\xef\xbb\xbf{"id": "a",\r\n "n": -1.5e3, "t": true, "z": null, "s": "\\u00e9"}'
    assert protocol.loads_flat(good) == {
        "id": "a",
        "n": -1500.0,
        "t": True,
        "z": None,
        "s": "é",
    }
    for bad in [
        b'{"a": 1, "a": 2}',
        b'{"a": [1]}',
        b'{"a": {}}',
        b'{"a": NaN}',
        b"[1]",
        b'{"a": 1} x',
        b"\xff",
        b"",
    ]:
        try:
            protocol.loads_flat(bad)
        except protocol.ProtocolError:
            continue
        raise AssertionError(f"accepted {bad!r}")


def test_a_result_needs_the_protocol_version_as_an_integer():
    good = {"protocol": 1, "id": "a", "status": "executed"}
    assert protocol.check_result(dict(good)) == good
    for version in [True, 1.0, "1", 2, None]:
        try:
            protocol.check_result({**good, "protocol": version})
        except protocol.ProtocolError:
            continue
        raise AssertionError(f"accepted protocol {version!r}")
