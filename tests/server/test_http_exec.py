"""`kubectl exec` against k8slite.server: the real kubectl 1.32 over WebSocket (v5.channel.k8s.io).

One server for the module, its pods made once: `two` (containers main and side), `nowhere` (no node
fits it), `nopull` (its image cannot be pulled), `done` (Succeeded) and `crash` (CrashLoopBackOff).
Errors are compared with what c.kubectl prints; kubectl writes them to stderr.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import ssl
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket as client  # websocket-client: an independent WebSocket client, for v4
from builders import make_pod
from terminal_builders import kubectl_on_a_terminal

from k8slite import Cluster
from k8slite.server import Server, serve
from k8slite.server.websocket import BINARY, encode_frame

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl is not installed")

PODS = """
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
  - {name: main, image: busybox, command: [sh, -c, 'echo started; sleep 3600']}
  - {name: side, image: busybox, command: [sh, -c, 'sleep 3600']}
---
apiVersion: v1
kind: Pod
metadata: {name: nowhere}
spec:
  nodeSelector: {disk: none}
  containers: [{name: main, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: nopull}
spec:
  containers: [{name: main, image: example.com/nothing:1}]
---
apiVersion: v1
kind: Pod
metadata: {name: done}
spec:
  restartPolicy: Never
  containers: [{name: main, image: busybox, command: ["true"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: crash}
spec:
  containers: [{name: main, image: busybox, command: [sh, -c, 'exit 1']}]
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    c = Cluster(nodes=1)
    c.apply(PODS)
    c.run(20)
    srv = serve(c)
    srv.home = tmp_path_factory.mktemp("kubectl-home")  # type: ignore[attr-defined]
    yield srv
    srv.close()
    c.close()


def run(server: Server, command: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real kubectl, `command` split on spaces except after `--`, which is one sh -c script."""
    words, _, script = command.partition(" -- ")
    args = [*words.split(), *(["--", "sh", "-c", script] if script else [])]
    env = dict(os.environ, HOME=str(server.home))  # type: ignore[attr-defined]
    return subprocess.run([str(KUBECTL), "--kubeconfig", server.kubeconfig, *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=30)


def test_exec_prints_the_commands_output(server: Server) -> None:
    done = run(server, "exec two -c main -- echo hi; hostname")
    assert (done.stdout, done.stderr, done.returncode) == ("hi\ntwo\n", "", 0)
    with server.lock:
        assert server.cluster.kubectl("exec two -c main -- echo hi") == "hi\n"


def test_exec_in_the_container_c_names(server: Server) -> None:
    with server.lock:
        server.cluster.exec("two", "echo side > /tmp/who", container="side")
    assert run(server, "exec two -c side -- cat /tmp/who").stdout == "side\n"
    other = run(server, "exec two -c main -- cat /tmp/who")  # each container has its own files
    # the runtimes' exec gives stdout and stderr as one text: it all comes on stdout
    assert (other.stdout, other.returncode) == ("cat: can't open '/tmp/who': No such file or directory\n", 1)


def test_without_c_kubectl_takes_the_first_container_and_says_so(server: Server) -> None:
    done = run(server, "exec two -- echo hi")
    assert (done.stdout, done.stderr) == ("hi\n", 'Defaulted container "main" out of: main, side\n')
    with server.lock:
        assert server.cluster.kubectl("exec two -- echo hi") == done.stderr + done.stdout


def test_the_exit_code_comes_back(server: Server) -> None:
    done = run(server, "exec two -c main -- echo partial; exit 3")
    assert (done.stdout, done.stderr, done.returncode) == ("partial\n", "command terminated with exit code 3\n", 3)
    with server.lock:
        assert server.cluster.kubectl("exec two -c main -- sh -c 'echo partial; exit 3'") == \
            done.stdout + done.stderr


def test_exec_i_gives_the_command_kubectls_stdin(server: Server) -> None:
    assert run(server, "exec -i two -c main -- cat", stdin="hello\nworld\n").stdout == "hello\nworld\n"
    big = "".join(f"line {i}\n" for i in range(20000))  # 200 KB: many WebSocket messages each way
    assert run(server, "exec -i two -c main -- wc -l", stdin=big).stdout == "20000\n"


@pytest.mark.parametrize("command", [
    "exec nope -- true",             # kubectl's GET of the pod: NotFound
    "exec two -c nope -- true",      # the API server: BadRequest, container ... is not valid for pod two
    "exec nowhere -- true",          # the API server: BadRequest, pod nowhere does not have a host assigned
    "exec nopull -- true",           # the kubelet: container not found (it never started)
    "exec crash -- true",            # the kubelet: container not found (it is waiting to restart)
    "exec done -- true",             # kubectl itself: cannot exec into a container in a completed pod
])
def test_errors_read_as_c_kubectls(server: Server, command: str) -> None:
    done = run(server, command)
    with server.lock:
        expected = server.cluster.kubectl(command)
    assert (done.stdout + done.stderr, done.returncode) == (expected, 1)


def test_t_without_a_terminal(server: Server) -> None:
    done = run(server, "exec -it two -c main -- echo hi")
    assert done.stdout == "hi\n"
    assert done.stderr == "Unable to use a TTY - input is not a terminal or the right kind of file\n"


def on_a_terminal(server: Server, args: list[str], keys: list[bytes]) -> tuple[bytes, int]:
    """kubectl on a pseudo-terminal: each of `keys` is typed once the output so far ends with a prompt;
    (what the terminal showed, kubectl's exit code)."""
    return kubectl_on_a_terminal(KUBECTL, server.kubeconfig, server.home, args, keys)  # type: ignore[attr-defined]


def test_t_on_a_terminal_turns_newlines_into_crlf(server: Server) -> None:
    shown, code = on_a_terminal(server, ["exec", "-it", "two", "-c", "main", "--", "echo", "hi"], [])
    assert (shown, code) == (b"hi\r\n", 0)


def test_an_interactive_shell(server: Server) -> None:
    keys = [b"cd /tmp; X=5\r", b"echo typo\x7f\x7f\x7f\x7fin $PWD $((X+1))\r", b"exit 4\r"]
    shown, code = on_a_terminal(server, ["exec", "-it", "two", "-c", "main", "--", "sh"], keys)
    assert shown.decode() == (
        "/ # cd /tmp; X=5\r\n"                              # echoed by the terminal, Enter is \r\n
        "/tmp # echo typo\b \b\b \b\b \b\b \bin $PWD $((X+1))\r\n"  # Backspace rubs out
        "in /tmp 6\r\n"                                     # cd and X lasted from the line before
        "/tmp # exit 4\r\n"
        "command terminated with exit code 4\r\n")
    assert code == 4


def channels(messages: list[bytes]) -> dict[int, bytes]:
    joined: dict[int, bytes] = {}
    for message in messages:
        joined[message[0]] = joined.get(message[0], b"") + message[1:]
    return joined


def websocket_to(server: Server, query: str, protocol: str) -> client.WebSocket:
    """A WebSocket to pod `two`'s exec with the query, offering one subprotocol."""
    url = server.url.replace("https", "wss") + "/api/v1/namespaces/default/pods/two/exec?" + query
    context = {"ca_certs": str(Path(server.directory, "apiserver.crt")), "cert_reqs": ssl.CERT_REQUIRED}
    return client.create_connection(url, header=[f"Authorization: Bearer {server.token}"], subprotocols=[protocol],
                                    sslopt=context)


def test_a_v4_client_gets_the_kubelets_exit_status(server: Server) -> None:
    """websocket-client offering only v4.channel.k8s.io, as older clients do: no stdin, the kubelet's words."""
    conn = websocket_to(server, "container=main&command=sh&command=-c&command=echo+out%3B+exit+3&stdout=true",
                        "v4.channel.k8s.io")
    assert conn.subprotocol == "v4.channel.k8s.io"
    messages = []
    while (message := conn.recv()):
        messages.append(message)
    got = channels(messages)
    assert got[1] == b"out\n"
    assert json.loads(got[3]) == {
        "metadata": {}, "status": "Failure", "reason": "NonZeroExitCode",
        "message": "command terminated with non-zero exit code: error executing command [sh -c echo out; exit 3], "
                   "exit code 3",
        "details": {"causes": [{"reason": "ExitCode", "message": "3"}]}}


@pytest.mark.parametrize("method, headers, message", [
    ("GET", {}, "Upgrade request required"),
    ("POST", {"Connection": "Upgrade", "Upgrade": "SPDY/3.1"},  # kubectl's fallback: never needed here
     "SPDY is not spoken here: exec and attach are served over WebSocket (v5.channel.k8s.io)"),
    ("GET", {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Protocol": "channel.k8s.io"},
     "requested protocol(s) are not supported: ['channel.k8s.io']; "
     "supports ['v5.channel.k8s.io', 'v4.channel.k8s.io']"),
])
def test_a_request_that_is_not_a_websocket_upgrade_is_a_bad_request(
        server: Server, method: str, headers: dict[str, str], message: str) -> None:
    context = ssl.create_default_context(cafile=str(Path(server.directory, "apiserver.crt")))
    connection = http.client.HTTPSConnection("127.0.0.1", server.port, context=context)
    connection.request(method, "/api/v1/namespaces/default/pods/two/exec?command=true&stdout=true&container=main",
                       headers={"Authorization": f"Bearer {server.token}", **headers})
    answer = connection.getresponse()
    status = json.loads(answer.read())
    assert (answer.status, status["reason"], status["message"]) == (400, "BadRequest", message)
    connection.close()


def test_with_a_terminal_the_command_waits_for_its_size(server: Server) -> None:
    """kubectl sends the terminal's size at once; a command that ended before it came would leave kubectl
    writing it to a closed connection (`websocket: close sent`)."""
    conn = websocket_to(server, "command=echo&command=hi&container=main&stdin=true&stdout=true&tty=true",
                        "v5.channel.k8s.io")
    assert conn.recv() == b"\x01"  # the streams are open
    conn.settimeout(0.3)
    with pytest.raises(client.WebSocketTimeoutException):
        conn.recv()  # nothing runs yet
    conn.settimeout(10)
    conn.send_binary(b"\x04" + json.dumps({"Width": 80, "Height": 24}).encode())
    assert conn.recv() == b"\x01hi\r\n"
    assert json.loads(conn.recv()[1:]) == {"metadata": {}, "status": "Success"}


def test_attach_streams_the_main_process_output_until_it_ends(server: Server) -> None:
    with server.lock:
        server.cluster.apply(make_pod("talker", command="echo one; sleep 10; echo two; sleep 10; echo three",
                                      restart_policy="Never"))
        server.cluster.run(5)
    env = dict(os.environ, HOME=str(server.home))  # type: ignore[attr-defined]
    attached = subprocess.Popen([str(KUBECTL), "--kubeconfig", server.kubeconfig, "attach", "talker", "-v=6"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert attached.stderr is not None
    before = [attached.stderr.readline()]
    while "101 Switching Protocols" not in before[-1]:  # attached: from now on
        before.append(attached.stderr.readline())
    for _ in range(2):
        with server.lock:
            server.cluster.run(10)
    out, err = attached.communicate(timeout=20)
    assert (out, attached.returncode) == ("two\nthree\n", 0)  # not "one": it was written before
    assert "If you don't see a command prompt, try pressing enter.\n" in before + err.splitlines(keepends=True)


def test_attach_to_a_container_that_does_not_run(server: Server) -> None:
    done = run(server, "attach crash")
    assert (done.stderr.splitlines()[-1], done.returncode) == (
        'error: Internal error occurred: unable to upgrade connection: container not found ("main")', 1)


def test_an_unmasked_frame_from_the_client_closes_the_connection_with_1002(server: Server) -> None:
    conn = websocket_to(server, "command=cat&container=main&stdin=true&stdout=true", "v5.channel.k8s.io")
    conn.sock.sendall(encode_frame(BINARY, b"\x00typed"))  # straight to the socket: unmasked
    frames = []
    while not frames or frames[-1][0] != client.ABNF.OPCODE_CLOSE:
        frames.append(conn.recv_data_frame(control_frame=True))
    assert [data.data for _, data in frames] == [struct.pack("!H", 1002)]  # a protocol error: nothing else
