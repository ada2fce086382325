"""The programs a k8slite container can run, by name, like the /bin of a busybox image
(each name a link to one multi-call binary); it leaves out $PATH search: a program is
found by its name, with or without a leading /bin/, /usr/bin/, /usr/local/bin/ ...
Most are in every image; those in SHIPPED only where the image's files have them.
"""

from __future__ import annotations

from k8slite.runtime.shell import agnhost, commands, fileutils, network, ping, redis, system
from k8slite.runtime.shell.commands import Command

SHELLS = {"sh", "bash", "ash", "dash"}
BIN_DIRS = ("/usr/local/sbin/", "/usr/local/bin/", "/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/")

PROGRAMS: dict[str, Command] = {
    ":": commands.true, "true": commands.true, "false": commands.false,
    "echo": commands.echo, "printf": commands.printf, "sleep": commands.sleep,
    "test": commands.test, "[": commands.test,
    "cat": fileutils.cat, "touch": fileutils.touch, "rm": fileutils.rm,
    "mkdir": fileutils.mkdir, "ls": fileutils.ls, "cp": fileutils.cp, "mv": fileutils.mv,
    "wc": fileutils.wc, "head": fileutils.head, "tail": fileutils.tail,
    "grep": fileutils.grep, "tee": fileutils.tee, "sort": fileutils.sort,
    "hostname": system.hostname, "date": system.date, "env": system.env,
    "printenv": system.printenv, "pwd": system.pwd, "whoami": system.whoami,
    "id": system.id_, "ps": system.ps, "uname": system.uname, "nproc": system.nproc, "free": system.free,
    "kill": system.kill, "seq": system.seq, "expr": system.expr,
    "wget": network.wget, "nslookup": network.nslookup, "redis-cli": redis.redis_cli,
    "httpd": network.busybox_httpd, "httpd-foreground": network.apache_httpd,
    "nginx": network.nginx, "redis-server": redis.redis_server,
    "/hello": network.hello, "/hello-app": network.hello_app, "/goproxy": network.goproxy,
    "/pause": network.pause, "pause": network.pause, "ping": ping.ping, "curl": network.curl,
    "node": network.node, "/agnhost": agnhost.agnhost, "fluentd": network.fluentd,
}
SHIPPED = {"curl", "node"}  # only in the images whose filesystem has them (/usr/bin/curl): busybox has no curl


def program_name(arg0: str) -> str:
    """"/usr/bin/sleep" -> "sleep": the name under which a program is known."""
    for prefix in BIN_DIRS:
        if arg0.startswith(prefix) and "/" not in arg0[len(prefix):]:
            return arg0[len(prefix):]
    return arg0
