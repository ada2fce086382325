"""ConfigMaps and Secrets: as files in a volume and as environment variables."""

import pytest
from storage_builders import messages, pod_with

from k8slite import Cluster, Invalid
from k8slite.server import apply as server_apply
from k8slite.server.paths import resolve

CONFIG = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"},
          "data": {"greeting": "hello", "color": "blue"}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "sec"},
          "data": {"user": "YWRtaW4="}, "stringData": {"password": "s3cret"}}


def test_secret_string_data_is_encoded_into_data():
    c = Cluster(nodes=1)
    c.apply(SECRET)
    stored = c.get("secret", "sec")
    assert stored.data == {"user": "YWRtaW4=", "password": "czNjcmV0"} and stored.string_data == {}
    assert stored.type == "Opaque"
    assert "sec    Opaque   2      0s" in c.kubectl("get secrets")
    c.apply(CONFIG)
    # every namespace also has kube-root-ca.crt (rootcacertpublisher/publisher.go)
    assert c.kubectl("get cm") == ("NAME               DATA   AGE\ncfg                2      0s\n"
                                   "kube-root-ca.crt   1      0s\n")


DATED = """apiVersion: v1
kind: ConfigMap
metadata:
  name: dated
data:
  day: 2024-01-01
  moment: 2001-12-14t21:59:43.10-05:00
  tagged: !!timestamp 2002-12-14
"""


def test_a_value_that_looks_like_a_date_is_the_text_written_as_kubectl_reads_it():
    """sigs.k8s.io/yaml (go-yaml v2) decodes a timestamp into a string as written; PyYAML would make a date."""
    c = Cluster(nodes=1)
    c.apply(DATED)
    written = {"day": "2024-01-01", "moment": "2001-12-14t21:59:43.10-05:00", "tagged": "2002-12-14"}
    assert c.get("configmap", "dated").data == written
    assert 'day: "2024-01-01"' in c.kubectl("get configmap dated -o yaml")  # quoted, as kubectl prints it
    c.kubectl("patch configmap dated -p '{\"data\":{\"day\":2025-02-02}}'")
    assert c.get("configmap", "dated").data["day"] == "2025-02-02"
    config = server_apply.parse(DATED.encode(), resolve("/api/v1/namespaces/default/configmaps/dated"))
    assert config["data"] == written  # a server-side apply's body


def test_configmap_and_secret_volumes_have_a_file_per_key():
    c = Cluster(nodes=1)
    c.apply([CONFIG, SECRET, pod_with("p", {"configMap": {"name": "cfg"}}, mount="/etc/config"),
             pod_with("s", {"secret": {"secretName": "sec", "items": [{"key": "password", "path": "db/pw"}]}},
                      mount="/etc/secret")])
    c.run(5)
    assert c.exec("p", "ls /etc/config") == "color\ngreeting\n"
    assert c.exec("p", "cat /etc/config/greeting") == "hello"
    assert c.exec("s", "cat /etc/secret/db/pw") == "s3cret"
    assert "No such file" in c.exec("s", "cat /etc/secret/user")


def test_env_from_configmap_secret_and_the_downward_api():
    c = Cluster(nodes=1)
    env = [{"name": "GREETING", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "greeting"}}},
           {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "sec", "key": "password"}}},
           {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
           {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
           {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}]
    c.apply([CONFIG, SECRET, pod_with("p", {"emptyDir": {}},
                                      extra={"env": env, "envFrom": [{"configMapRef": {"name": "cfg"},
                                                                      "prefix": "CFG_"}]})])
    c.run(5)
    pod = c.get("pod", "p")
    assert c.exec("p", "echo $GREETING $PASSWORD $POD $NODE $IP $CFG_color") == \
        f"hello s3cret p node-1 {pod.status.pod_ip} blue\n"


def test_a_missing_configmap_for_env_is_a_create_container_config_error():
    c = Cluster(nodes=1)
    env = [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "later", "key": "x"}}}]
    c.apply(pod_with("p", {"emptyDir": {}}, extra={"env": env}))
    c.run(5)
    waiting = c.get("pod", "p").status.container_statuses[0].state.waiting
    assert (waiting.reason, waiting.message) == ("CreateContainerConfigError", 'configmap "later" not found')
    assert messages(c, "Failed", "p") == ['Error: configmap "later" not found']
    assert "CreateContainerConfigError" in c.kubectl("get pods")
    c.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "later"}, "data": {"x": "42"}})
    c.run(15)
    assert c.exec("p", "echo $X") == "42\n"


def test_a_missing_configmap_volume_keeps_the_pod_container_creating():
    c = Cluster(nodes=1)
    c.apply(pod_with("p", {"configMap": {"name": "absent"}}))
    c.run(5)
    assert c.get("pod", "p").status.container_statuses[0].state.waiting.reason == "ContainerCreating"
    assert messages(c, "FailedMount", "p") == ['MountVolume.SetUp failed for volume "v" : configmap "absent" not found']


def test_bad_keys_and_base64_are_refused():
    c = Cluster(nodes=1)
    with pytest.raises(Invalid, match=r"data\[a b\]: Invalid value: \"a b\": a valid config key"):
        c.apply({**CONFIG, "data": {"a b": "x"}})
    with pytest.raises(Invalid, match=r"data\[k\]: Invalid value: \"not base64!\""):
        c.apply({**SECRET, "data": {"k": "not base64!"}})
    assert [cm.name for cm in c.get("cm")] == ["kube-root-ca.crt"] and c.get("secret") == []


def test_a_changed_configmap_reaches_mounted_files_within_a_minute_but_not_the_environment():
    c = Cluster(nodes=1)
    env = [{"name": "GREETING", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "greeting"}}}]
    c.apply([CONFIG, pod_with("p", {"configMap": {"name": "cfg"}}, mount="/etc/config", extra={"env": env})])
    c.run(5)
    restarts_before = c.get("pod", "p").status.container_statuses[0].restart_count
    c.apply({**CONFIG, "data": {"greeting": "bonjour"}})  # the key color is gone
    c.run(1)
    assert c.exec("p", "cat /etc/config/greeting") == "hello"  # not at once: at the pod's next sync
    seen = []
    while c.exec("p", "cat /etc/config/greeting") == "hello":
        c.run(1)
        seen.append(c.now)
        assert len(seen) <= 61, "the file did not change within a minute"
    assert c.exec("p", "ls /etc/config") == "greeting\n"
    assert c.exec("p", "echo $GREETING") == "hello\n"  # env is fixed when the container starts
    assert c.get("pod", "p").status.container_statuses[0].restart_count == restarts_before
    c.delete("configmap", "cfg")
    c.run(70)
    assert c.exec("p", "cat /etc/config/greeting") == "bonjour"  # a deleted ConfigMap leaves the last files


def test_a_subpath_mounts_one_file_of_a_configmap_which_never_follows_updates():
    c = Cluster(nodes=1)
    pod = pod_with("p", {"configMap": {"name": "cfg"}}, mount="/etc/config")
    pod["spec"]["containers"][0]["volumeMounts"].append({"name": "v", "mountPath": "/etc/app.conf",
                                                        "subPath": "greeting"})
    c.apply([CONFIG, pod])
    c.run(5)
    assert c.exec("p", "cat /etc/app.conf") == "hello"
    assert c.exec("p", "ls /etc").count("app.conf") == 1
    c.apply({**CONFIG, "data": {"greeting": "bonjour", "color": "blue"}})
    c.run(70)
    assert c.exec("p", "cat /etc/config/greeting") == "bonjour"  # the whole volume follows
    assert c.exec("p", "cat /etc/app.conf") == "hello"  # the subPath file does not, as in Kubernetes
