"""The fake runtime's shell: scripts and exec-form commands run on a virtual clock.

``drive`` plays the fake runtime: it resumes the process after each sleep, adding
the sleep to the virtual time, until the process exits or the time runs out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from k8slite.runtime.filesystem import FileSystem, Volume
from k8slite.runtime.images import lookup
from k8slite.runtime.shell import (
    ProcessContext,
    Program,
    ShellSyntaxError,
    exec_sync,
    run_argv,
    run_script,
)
from k8slite.runtime.shell.interp import Handler


@dataclass
class Run:
    """What a process did: its exit code (None: still running) and its log."""

    code: int | None
    time: float
    log: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.log)


def make_ctx(fs: FileSystem | None = None, env: dict[str, str] | None = None,
             servers: dict[int, Handler] | None = None) -> tuple[ProcessContext, list[str]]:
    log: list[str] = []
    listening = servers if servers is not None else {}

    def http_get(host: str, port: int, path: str) -> tuple[int, str]:
        if port not in listening:
            raise ConnectionError("connection refused")
        return listening[port](path)

    ctx = ProcessContext(fs=fs or FileSystem(), env=dict(env or {}), hostname="pod-1",
                         write=log.append, http_get=http_get, listen=listening.__setitem__)
    return ctx, log


def drive(process: Program, log: list[str], until: float = 10_000.0) -> Run:
    now = 0.0
    while True:
        try:
            delay = next(process)
        except StopIteration as stop:
            return Run(stop.value, now, log)
        if now + delay > until:
            return Run(None, until, log)
        now += delay


def script(text: str, until: float = 10_000.0, **kwargs: object) -> Run:
    ctx, log = make_ctx(**kwargs)  # type: ignore[arg-type]
    return drive(run_script(text, ctx), log, until)


@pytest.mark.parametrize("text, code, output", [
    ("for i in 1 2 3; do echo $i; done", 0, "1\n2\n3\n"),
    ("exit 3", 3, ""),
    ("false || echo x", 0, "x\n"),
    ("true && echo yes || echo no", 0, "yes\n"),
    ("false && echo yes", 1, ""),
    ("! false", 0, ""),
    ("false; echo $?", 0, "1\n"),
    ("echo a > /f && cat /f", 0, "a\n"),
    ("echo a > /f; echo b >> /f; cat /f", 0, "a\nb\n"),
    ("echo a > /f; echo b > /f; cat /f", 0, "b\n"),
    ("i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i", 0, "3\n"),
    ("i=0; until [ $i -ge 2 ]; do i=$((i+1)); echo $i; done", 0, "1\n2\n"),
    ("perl -e 'print 1'", 127, "sh: perl: not found\n"),
    ("echo 'a  b' \"c  $X\" d\\ e", 0, "a  b c  1 d e\n"),
    ("echo ${UNSET:-default} ${X:+set} ${#X}", 0, "default set 1\n"),
    ("Y='a b'; for w in $Y; do echo [$w]; done; echo \"$Y\"", 0, "[a]\n[b]\na b\n"),
    ("echo $(echo hello) \"$(hostname)\" $HOSTNAME $$", 0, "hello pod-1 pod-1 1\n"),
    ("echo $((7 / 2)) $((-7 / 2)) $((7 % 3)) $((2 * (3 + 4))) $((X + 1)) $((1 < 2))", 0, "3 -3 1 14 2 1\n"),
    ("X=5 sh -c 'echo $X'; echo $X", 0, "5\n1\n"),
    ("export Z=9; sh -c 'echo $Z'", 0, "9\n"),
    ("if [ -f /nope ]; then echo a; elif [ -d /tmp ]; then echo b; else echo c; fi", 0, "b\n"),
    ("if false; then echo a; else echo c; fi", 0, "c\n"),
    ("for i in 1 2 3 4; do [ $i = 3 ] && break; echo $i; done", 0, "1\n2\n"),
    ("for i in 1 2 3; do [ $i = 2 ] && continue; echo $i; done", 0, "1\n3\n"),
    ("for i in a b; do for j in 1 2; do [ $j = 2 ] && continue 2; echo $i$j; done; done", 0, "a1\nb1\n"),
    ("{ echo a; echo b; } > /f; cat /f", 0, "a\nb\n"),
    ("(cd /tmp; pwd); pwd; (exit 4); echo $?", 0, "/tmp\n/\n4\n"),
    ("echo hello world | wc -w", 0, "2\n"),
    ("printf 'a\\nb\\nc\\n' | grep -v b | head -n 1", 0, "a\n"),
    ("seq 5 | tail -n 2", 0, "4\n5\n"),
    ("echo abc | grep -q b && echo found", 0, "found\n"),
    ("echo hi > /f; cat < /f", 0, "hi\n"),
    ("cat /nope 2>/dev/null || echo missing", 0, "missing\n"),
    ("cat /nope 2>&1 >/dev/null | wc -l", 0, "1\n"),
    ("echo x >/dev/null", 0, ""),
    ("echo x > /no/such/dir/f", 1, "sh: can't create /no/such/dir/f: nonexistent directory\n"),
    ("trap 'echo bye' TERM; echo ok", 0, "ok\n"),
    ("set -e; false; echo not reached", 1, ""),
    ("set -e; if false; then :; fi; false || true; echo reached", 0, "reached\n"),
    ("X=1; unset X; echo [$X]", 0, "[]\n"),
    ("eval 'echo from eval'", 0, "from eval\n"),
    ("exec echo replaced; echo not reached", 0, "replaced\n"),
    ("echo '#!/bin/sh\necho in script $1' > /s.sh; sh /s.sh arg; /s.sh two", 0, "in script arg\nin script two\n"),
    ("echo 'echo piped' | sh", 0, "piped\n"),
    ("sh", 0, ""),
    ("echo -n a; echo -e 'b\\tc'", 0, "ab\tc\n"),
    ("printf '%s=%d\\n' a 1 b 2", 0, "a=1\nb=2\n"),
    ("expr 2 + 3; expr 3 \\* 4", 0, "5\n12\n"),
    ("# a comment\necho one # trailing\n\necho two", 0, "one\ntwo\n"),
    ("i=0\nwhile [ $i -lt 2 ]\ndo\n  i=`expr $i + 1`\ndone\necho $i", 0, "2\n"),
    ("[ 1 -lt x ]", 2, "sh: invalid number 'x'\n"),
    ("[ -n \"\" ] || [ -z \"\" ] && test ! -e /nope && echo ok", 0, "ok\n"),
    ("echo $((1/0))", 2, "sh: divide by zero\n"),
])
def test_script(text: str, code: int, output: str) -> None:
    run = script(text, env={"X": "1"})
    assert (run.code, run.text) == (code, output)


@pytest.mark.parametrize("text, message", [
    ("done", 'sh: syntax error: unexpected "done"'),
    ("while true; do echo hi", 'sh: syntax error: unexpected end of file (expecting "done")'),
    ("if true; then fi", 'sh: syntax error: unexpected "fi"'),
    ("echo 'open", "sh: syntax error: unterminated quoted string"),
    ("echo )", 'sh: syntax error: unexpected ")"'),
    ("a && && b", 'sh: syntax error: unexpected "&&"'),
])
def test_syntax_errors_raise_at_parse(text: str, message: str) -> None:
    ctx, _ = make_ctx()
    with pytest.raises(ShellSyntaxError) as error:
        run_script(text, ctx)  # raises before the process runs
    assert str(error.value) == message


def test_syntax_error_in_a_container_command_exits_2() -> None:
    ctx, log = make_ctx()
    run = drive(run_argv(["sh", "-c", "for x in; do"], ctx), log)
    assert run.code == 2 and run.text.startswith("sh: syntax error:")


@pytest.mark.parametrize("seconds, count", [
    (0, 1),   # echo runs at t=0, then sleeps 5 s
    (4, 1),
    (5, 2),   # woken at t=5
    (12, 3),  # t=0, 5, 10
    (60, 13),
])
def test_loop_output_after_virtual_seconds(seconds: float, count: int) -> None:
    run = script("while true; do echo hi; sleep 5; done", until=seconds)
    assert run.code is None and run.log.count("hi\n") == count


def test_liveness_file_exists_for_30_seconds() -> None:
    """The liveness-probe example of the Kubernetes docs: exec probe `cat /tmp/healthy`."""
    ctx, log = make_ctx()
    process = run_script("touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600", ctx)
    assert next(process) == 30  # touched, now sleeping 30 s
    assert exec_sync(["cat", "/tmp/healthy"], ctx) == 0
    assert next(process) == 600  # removed, now sleeping 600 s
    assert exec_sync(["cat", "/tmp/healthy"], ctx) == 1
    assert log == ["cat: can't open '/tmp/healthy': No such file or directory\n"]


def test_two_containers_share_a_volume() -> None:
    """The docs' two-container pod: debian writes the page that nginx serves."""
    shared = Volume()
    servers: dict[int, Handler] = {}
    nginx_image = lookup("nginx")
    nginx_fs = FileSystem(nginx_image.files, {"/usr/share/nginx/html": shared})
    debian_fs = FileSystem(lookup("debian").files, {"/pod-data": shared})
    nginx, _ = make_ctx(nginx_fs, servers=servers)
    debian, debian_log = make_ctx(debian_fs, servers=servers)
    server = run_argv(nginx_image.cmd, nginx)
    assert next(server) == math.inf and 80 in servers
    writer = run_argv(["/bin/sh", "-c", "echo Hello from the debian container > /pod-data/index.html"], debian)
    assert drive(writer, debian_log).code == 0
    assert shared.files == {"index.html": "Hello from the debian container\n"}
    assert servers[80]("/") == (200, "Hello from the debian container\n")
    assert exec_sync(["wget", "-qO-", "http://localhost/index.html"], debian) == 0
    assert debian_log[-1] == "Hello from the debian container\n"


@pytest.mark.parametrize("argv, code, time, output", [
    (["sleep", "3600"], None, 100, ""),
    (["/bin/sleep", "10"], 0, 10, ""),
    (["sleep", "1.5"], 0, 1.5, ""),
    (["sleep", "1m"], 0, 60, ""),
    (["sleep", "infinity"], None, 100, ""),
    (["sleep", "soon"], 1, 0, "sleep: invalid number 'soon'\n"),
    (["cat", "/tmp/healthy"], 1, 0, "cat: can't open '/tmp/healthy': No such file or directory\n"),
    (["echo", "hi"], 0, 0, "hi\n"),
    (["/usr/bin/env"], 0, 0, "PATH=/bin\n"),
    (["exit", "3"], 3, 0, ""),
    (["false"], 1, 0, ""),
    (["sh", "-c", "echo $0 $1", "name", "one"], 0, 0, "name one\n"),
    (["/bin/sh", "-ec", "false; echo no"], 1, 0, ""),
    (["bash", "-c", "exit 7"], 7, 0, ""),
    (["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"], 0, 1,
     'k8slite: simulated "perl -Mbignum=bpi -wle print bpi(2000)": the fake runtime does not run '
     "this program; it ran for 1s and exited 0\n"),
    (["/app/server"], 0, 1, 'k8slite: simulated "/app/server": the fake runtime does not run '
     "this program; it ran for 1s and exited 0\n"),
    (["hostname"], 0, 0, "pod-1\n"),
    (["uname", "-r"], 0, 0, "6.1.0-k8slite\n"),
    (["whoami"], 0, 0, "root\n"),
    (["date"], 0, 0, "Thu Jan  1 00:00:00 UTC 1970\n"),
    (["nproc"], 0, 0, "4\n"),
    (["nslookup", "my-svc"], 1, 0, "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\n"
     "nslookup: can't resolve 'my-svc'\n"),
    (["wget", "-qO-", "http://10.244.1.5:8080/"], 1, 0,
     "wget: can't connect to remote host (10.244.1.5): Connection refused\n"),
    ([], 0, 0, ""),
])
def test_exec_form(argv: list[str], code: int | None, time: float, output: str) -> None:
    ctx, log = make_ctx(env={"PATH": "/bin"})
    run = drive(run_argv(argv, ctx), log, until=100)
    assert (run.code, run.time, run.text) == (code, time, output)


def test_date_follows_k8slite_now() -> None:
    ctx, log = make_ctx(env={"K8SLITE_NOW": "90061"})
    assert exec_sync(["date"], ctx) == 0
    assert log == ["Fri Jan  2 01:01:01 UTC 1970\n"]


@pytest.mark.parametrize("argv, code, output", [
    (["wget", "-qO-", "http://localhost:8080/"], 0, "<h1>hi</h1>\n"),
    (["wget", "-q", "-O", "-", "http://127.0.0.1:8080/index.html"], 0, "<h1>hi</h1>\n"),
    (["wget", "-T", "2", "-O-", "http://localhost:8080/"], 0,
     "Connecting to localhost:8080 (localhost:8080)\n<h1>hi</h1>\n"),
    (["wget", "--spider", "-q", "http://localhost:8080/"], 0, ""),
    (["wget", "-qO-", "http://localhost:8080/missing"], 1,
     "wget: server returned error: HTTP/1.1 404 Not Found\n"),
    (["wget", "-qO-", "http://localhost:9999/"], 1,
     "wget: can't connect to remote host (127.0.0.1): Connection refused\n"),
])
def test_busybox_httpd_and_wget(argv: list[str], code: int, output: str) -> None:
    servers: dict[int, Handler] = {}
    ctx, log = make_ctx(FileSystem({"/www/index.html": "<h1>hi</h1>\n"}), servers=servers)
    server = run_script("httpd -f -p 8080 -h /www", ctx)
    assert next(server) == math.inf and 8080 in servers
    assert exec_sync(argv, ctx) == code
    assert "".join(log) == output


def test_wget_without_network() -> None:
    ctx, log = make_ctx()
    ctx.http_get = None
    assert exec_sync(["wget", "-qO-", "http://web/"], ctx) == 1
    assert log == ["wget: bad address 'web'\n"]


def test_wget_saves_to_a_file() -> None:
    ctx, log = make_ctx(servers={80: lambda path: (200, "body")})
    ctx.cwd = "/tmp"
    assert exec_sync(["wget", "-q", "http://web/page.html"], ctx) == 0
    assert ctx.fs.read("/tmp/page.html") == "body"


@pytest.mark.parametrize("image, port, path, status, body", [
    ("nginx", 80, "/", 200, "<title>Welcome to nginx!</title>"),
    ("nginx", 80, "/nope", 404, "404 Not Found"),
    ("httpd", 80, "/", 200, "<h1>It works!</h1>"),
    ("redis", 6379, "/", 400, "-ERR"),
    ("gcr.io/google-samples/hello-go-gke:1.0", 80, "/", 200, '{"message":"Hello"}'),
])
def test_servers_of_known_images(image: str, port: int, path: str, status: int, body: str) -> None:
    servers: dict[int, Handler] = {}
    found = lookup(image)
    ctx, _ = make_ctx(FileSystem(found.files), servers=servers)
    process = run_argv(found.entrypoint + found.cmd, ctx)
    assert next(process) == math.inf  # a server blocks forever
    got_status, got_body = servers[port](path)
    assert got_status == status and body in got_body


def test_httpd_without_f_daemonizes() -> None:
    servers: dict[int, Handler] = {}
    ctx, log = make_ctx(servers=servers)
    run = drive(run_script("httpd -p 8000; echo started", ctx), log)
    assert (run.code, run.text, list(servers)) == (0, "started\n", [8000])


def test_redis_logs_ready() -> None:
    ctx, log = make_ctx()
    next(run_argv(["redis-server"], ctx))
    assert "Ready to accept connections" in log[0]


@pytest.mark.parametrize("text, until, code, output", [
    # the job prints at t=0, 1, 2, 3; the script ends at t=3
    ("(while true; do echo tick; sleep 1; done) & sleep 3; echo main", 100, 0, "tick\n" * 4 + "main\n"),
    ("sleep 5 & echo started; wait; echo waited", 100, 0, "started\nwaited\n"),
    ("httpd -f -p 8080 & echo serving; sleep 10", 100, 0, "serving\n"),
    ("nginx -g 'daemon off;' & wait; echo never", 100, None, ""),
])
def test_background_jobs(text: str, until: float, code: int | None, output: str) -> None:
    run = script(text, until=until)
    assert (run.code, run.text) == (code, output)


def test_background_wait_takes_virtual_time() -> None:
    assert script("sleep 5 & wait").time == 5


def test_a_loop_that_never_sleeps_blocks_forever() -> None:
    run = script("while true; do :; done", until=10)
    assert run.code is None and "without sleeping" in run.text


@pytest.mark.parametrize("argv, max_seconds, code", [
    (["sleep", "5"], 60, 0),
    (["sleep", "61"], 60, 137),
    (["sh", "-c", "sleep 30; sleep 31"], 60, 137),
    (["nginx", "-g", "daemon off;"], 60, 137),
    (["sh", "-c", "exit 4"], 60, 4),
])
def test_exec_sync(argv: list[str], max_seconds: float, code: int) -> None:
    ctx, _ = make_ctx()
    assert exec_sync(argv, ctx, max_seconds) == code


def test_tail_follows_a_sidecars_log_file() -> None:
    """The logging-sidecar example: one container appends, the other tails -F."""
    shared = Volume()
    writer, writer_log = make_ctx(FileSystem(mounts={"/var/log": shared}))
    reader, reader_log = make_ctx(FileSystem(mounts={"/var/log": shared}))
    count = run_script('i=0; while true; do echo "$i" >> /var/log/1.log; i=$((i+1)); sleep 1; done', writer)
    tail = run_argv(["tail", "-n+1", "-F", "/var/log/1.log"], reader)
    assert next(count) == 1 and next(tail) == 1  # t=0: "0" written and printed
    next(count)  # t=1: "1" written
    next(tail)  # t=1: tail notices
    assert reader_log == ["0\n", "1\n"]


@pytest.mark.parametrize("text, output", [
    ("mkdir -p /a/b && touch /a/b/c && ls /a/b", "c\n"),
    ("mkdir /x/y", "mkdir: can't create directory '/x/y': No such file or directory\n"),
    ("mkdir /tmp", "mkdir: can't create directory '/tmp': File exists\n"),
    ("rm /nope", "rm: can't remove '/nope': No such file or directory\n"),
    ("mkdir /d; rm /d; rm -rf /d; ls /d", "rm: can't remove '/d': Is a directory\nls: /d: No such file or directory\n"),
    ("echo hi > /a; cp /a /b; mv /b /tmp; cat /tmp/b; ls /b", "hi\nls: /b: No such file or directory\n"),
    ("cd /tmp; echo x > rel; cat /tmp/rel; cd ..; pwd", "x\n/\n"),
    ("echo 'a\nb\nc' > /f; wc -l /f; wc -l < /f; head -n 2 /f; tail -1 /f", "3 /f\n3\na\nb\nc\n"),
    ("echo 'x=1' | tee /t; cat /t", "x=1\nx=1\n"),
    ("grep -c o /nope", "grep: can't open '/nope': No such file or directory\n"),
])
def test_file_programs(text: str, output: str) -> None:
    assert script(text).text == output


@pytest.mark.parametrize("argv, stdin, output", [
    (["cat"], "hello\nworld\n", "hello\nworld\n"),  # `echo ... | kubectl exec -i pod -- cat`
    (["sh"], "echo one; echo two >&2\nexit 3\n", "one\ntwo\n"),  # a script on sh's stdin
    (["sh", "-c", "wc -l"], "a\nb\nc\n", "3\n"),
    (["cat"], "", ""),
])
def test_exec_sync_reads_its_stdin(argv: list[str], stdin: str, output: str) -> None:
    ctx, log = make_ctx()
    exec_sync(argv, ctx, stdin=stdin)
    assert "".join(log) == output
