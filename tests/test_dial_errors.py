"""A failed dial worded as Go's net package words it, wherever k8slite reports one (errors.dial_tcp)."""

import errno
import os
import socket

from k8slite.errors import dial_tcp


def test_a_refused_connect_an_unreachable_host_and_a_deadline_read_as_in_go():
    assert dial_tcp("127.0.0.1:6443", ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")) == \
        "dial tcp 127.0.0.1:6443: connect: connection refused"
    unreachable = OSError(errno.EHOSTUNREACH, os.strerror(errno.EHOSTUNREACH))
    assert dial_tcp("10.0.0.9:10250", unreachable) == "dial tcp 10.0.0.9:10250: connect: no route to host"
    assert dial_tcp("10.0.0.9:10250", TimeoutError("timed out")) == "dial tcp 10.0.0.9:10250: i/o timeout"
    assert dial_tcp("10.244.1.5:80", "connection timed out") == "dial tcp 10.244.1.5:80: connect: connection timed out"


def test_a_real_refused_socket_is_worded_the_same():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError as e:
        assert dial_tcp(f"127.0.0.1:{port}", e) == f"dial tcp 127.0.0.1:{port}: connect: connection refused"
    else:
        raise AssertionError("the connection was not refused")
