"""The fake runtime's Redis (runtime/shell/redis.py): replies, persistence in /data, replication."""

from __future__ import annotations

from k8slite import Cluster
from k8slite.runtime.shell.redis import decode, encode_command, execute, raw, replay, rewrite

LEADER = """
apiVersion: v1
kind: Pod
metadata: {name: leader, labels: {app: leader}}
spec:
  containers:
  - name: redis
    image: redis:7
    command: ["redis-server", "--appendonly", "yes"]
    volumeMounts: [{name: data, mountPath: /data}]
  volumes: [{name: data, emptyDir: {}}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-leader}
spec:
  selector: {app: leader}
  ports: [{port: 6379}]
"""

FOLLOWER = """
apiVersion: v1
kind: Pod
metadata: {name: follower}
spec:
  containers:
  - name: redis
    image: redis:7
    command: ["redis-server", "--replicaof", "redis-leader", "6379"]
"""


def reply(keys: dict, *args: str) -> object:
    return decode(execute(keys, list(args)))[0]


def test_commands_and_their_replies() -> None:
    keys: dict = {}
    assert reply(keys, "ping") == "PONG"
    assert reply(keys, "RPUSH", "guestbook", "a", "b") == 2
    assert reply(keys, "RPUSH", "guestbook", "c") == 3
    assert reply(keys, "LRANGE", "guestbook", "0", "-1") == ["a", "b", "c"]
    assert reply(keys, "LRANGE", "guestbook", "-2", "-1") == ["b", "c"]
    assert reply(keys, "LRANGE", "guestbook", "5", "9") == []
    assert reply(keys, "SET", "title", "Guestbook") == "OK"
    assert reply(keys, "GET", "title") == "Guestbook"
    assert reply(keys, "GET", "missing") is None
    assert str(reply(keys, "GET", "guestbook")).startswith("WRONGTYPE")
    assert reply(keys, "DEL", "title", "missing") == 1
    assert str(reply(keys, "FLUSHALL")) == "ERR unknown command 'FLUSHALL', with args beginning with: "


def test_raw_output_is_what_a_script_reads() -> None:
    # redis-cli's cliFormatReplyRaw: no "(integer)", no quotes, no "1)" numbering off a terminal
    assert raw(1) == "1"
    assert raw(["a", "b"]) == "a\nb"
    assert raw(None) == ""
    assert raw([]) == ""


def test_the_aof_rebuilds_the_key_space() -> None:
    keys = {"guestbook": ["hi", "ho"], "title": "Guests"}
    assert replay(rewrite(keys)) == keys
    assert encode_command(["GET", "k"]) == "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"


def test_redis_cli_in_a_pod_and_data_kept_in_data() -> None:
    c = Cluster(nodes=2, seed=0)
    c.apply(LEADER + "---" + FOLLOWER)
    c.run(10)
    assert c.exec("leader", "redis-cli RPUSH guestbook hello world") == "2\n"
    assert c.exec("leader", "redis-cli LRANGE guestbook 0 -1") == "hello\nworld\n"
    assert c.exec("leader", "redis-cli GET nothing") == "\n"
    assert "RPUSH" in c.exec("leader", "cat /data/appendonly.aof")
    c.run(2)
    assert c.exec("follower", "redis-cli LRANGE guestbook 0 -1") == "hello\nworld\n"
    # redis-cli 7 prints an error reply on stdout and exits 0; -e sends it to stderr and exits 1
    assert c.exec_code("follower", "redis-cli SET x y") == (
        0, "READONLY You can't write against a read only replica.\n\n")
    assert c.exec_code("follower", "redis-cli -e SET x y") == (
        1, "READONLY You can't write against a read only replica.\n")
    assert c.exec("follower", "redis-cli INFO replication").endswith("master_link_status:up\r\n")
    assert "role:slave" in c.exec("follower", "redis-cli INFO replication")
    assert "master_link_status:up" in c.exec("follower", "redis-cli INFO replication")
    assert "connected_slaves:1" in c.exec("leader", "redis-cli INFO replication")
    code, out = c.exec_code("follower", "redis-cli -h nowhere PING")
    assert code == 1 and out == "Could not connect to Redis at nowhere:6379: Name or service not known\n"


CLAIM = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: redis-data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
"""


def test_a_new_server_on_the_same_volume_replays_its_aof_an_emptydir_starts_empty() -> None:
    c = Cluster(nodes=1, seed=0)
    on_claim = LEADER.replace("emptyDir: {}", "persistentVolumeClaim: {claimName: redis-data}")
    c.apply(CLAIM + on_claim)
    c.run(10)
    c.exec("leader", "redis-cli RPUSH guestbook kept")
    c.delete("pod", "leader")
    c.run(40)
    c.apply(on_claim)
    c.run(10)
    assert c.exec("leader", "redis-cli LRANGE guestbook 0 -1") == "kept\n"
    assert "DB loaded from append only file" in c.logs("leader")
    c.delete("pod", "leader")
    c.run(40)
    c.apply(LEADER)
    c.run(10)
    assert c.exec("leader", "redis-cli LRANGE guestbook 0 -1") == "\n"


def test_without_appendonly_nothing_is_written() -> None:
    c = Cluster(nodes=1, seed=0)
    c.apply(LEADER.replace(', "--appendonly", "yes"', ""))
    c.run(10)
    assert c.exec("leader", "redis-cli SET k v") == "OK\n"
    assert c.exec("leader", "ls /data") == ""


def test_a_replica_whose_leader_is_gone_keeps_its_copy() -> None:
    c = Cluster(nodes=2, seed=0)
    c.apply(LEADER + "---" + FOLLOWER)
    c.run(10)
    c.exec("leader", "redis-cli SET k v")
    c.run(2)
    c.delete("pod", "leader")
    c.run(40)
    assert "master_link_status:down" in c.exec("follower", "redis-cli INFO replication")
    assert c.exec("follower", "redis-cli GET k") == "v\n"
