"""ServiceAccounts: the `default` account and CA ConfigMap in every namespace, and the admission plugin
that gives each pod its account and token volume (plugin/pkg/admission/serviceaccount/admission.go)."""

import pytest
from builders import make_pod

from k8slite import Cluster
from k8slite.admission.serviceaccount import ALPHABET, suffix
from k8slite.api.kinds import lookup
from k8slite.api.pod import Container
from k8slite.errors import Forbidden

TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def test_every_namespace_gets_a_default_service_account_and_the_root_ca():
    c = Cluster(nodes=1)
    c.kubectl("create namespace team")
    c.run(1)
    for ns in ("default", "kube-system", "kube-public", "team"):
        assert c.get("sa", "default", namespace=ns).name == "default"
        assert "ca.crt" in c.get("configmaps", "kube-root-ca.crt", namespace=ns).data
    # printers.go printServiceAccount: NAME SECRETS AGE
    assert c.kubectl("get serviceaccounts -n team") == "NAME      SECRETS   AGE\ndefault   0         1s\n"


def test_a_deleted_default_service_account_comes_back():
    c = Cluster(nodes=1)
    c.run(1)
    c.delete("serviceaccounts", "default")
    c.run(1)
    assert c.get("sa", "default").name == "default"  # serviceaccounts_controller.go serviceAccountDeleted


def test_admission_sets_the_account_and_mounts_the_token_volume():
    c = Cluster(nodes=1)
    pod = make_pod("web")
    pod.spec.containers.append(Container(name="side", image="busybox"))
    c.apply(pod)
    stored = c.get("pod", "web")
    assert (stored.spec.service_account_name, stored.spec.service_account) == ("default", "default")
    (volume,) = stored.spec.volumes
    assert volume.name == "kube-api-access-" + suffix(stored)
    assert volume.projected.default_mode == 420
    assert volume.projected.sources[0] == {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}
    assert volume.projected.sources[1]["configMap"]["name"] == "kube-root-ca.crt"
    for container in stored.spec.containers:
        (mount,) = container.volume_mounts
        assert (mount.name, mount.mount_path, mount.read_only) == (volume.name, TOKEN_DIR, True)


def test_the_token_volume_suffix_does_not_draw_from_the_rng():
    pod = make_pod("web")
    assert suffix(pod) == suffix(make_pod("web")) != suffix(make_pod("web", namespace="other"))
    assert len(suffix(pod)) == 5 and set(suffix(pod)) <= set(ALPHABET)
    c = Cluster(nodes=1)
    state = c.api.rng.getstate()
    c.api.admission.admit(make_pod("web"), lookup("pods"))
    assert c.api.rng.getstate() == state


def test_a_pod_naming_a_missing_service_account_is_refused():
    c = Cluster(nodes=1)
    pod = make_pod("x")
    pod.spec.service_account_name = "nope"
    with pytest.raises(Forbidden) as refused:
        c.apply(pod)
    # admission.go: "error looking up service account %s/%s: %w"
    assert str(refused.value) == ('pods "x" is forbidden: error looking up service account default/nope: '
                                  'serviceaccount "nope" not found')


def test_automount_false_on_the_pod_or_its_account_skips_the_volume():
    c = Cluster(nodes=1)
    pod = make_pod("own")
    pod.spec.automount_service_account_token = False
    c.apply(pod)
    c.apply("""
apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet}
automountServiceAccountToken: false
""")
    quiet = make_pod("quiet")
    quiet.spec.service_account_name = "quiet"
    c.apply(quiet)
    assert c.get("pod", "own").spec.volumes == [] and c.get("pod", "quiet").spec.volumes == []
    assert c.get("pod", "quiet").spec.containers[0].volume_mounts == []


def test_the_token_volume_holds_the_namespace_token_and_ca():
    c = Cluster(nodes=1)
    c.kubectl("create namespace team")
    c.apply(make_pod("web", namespace="team"))
    c.run(10)
    assert c.exec("web", f"cat {TOKEN_DIR}/namespace", namespace="team") == "team"
    assert c.exec("web", f"ls {TOKEN_DIR}", namespace="team").split() == ["ca.crt", "namespace", "token"]
    assert c.exec("web", f"cat {TOKEN_DIR}/ca.crt", namespace="team").startswith("-----BEGIN CERTIFICATE-----")
    assert c.exec("web", f"cat {TOKEN_DIR}/token", namespace="team").count(".") == 2  # header.claims.signature


def test_describe_pod_shows_the_account_the_mount_and_the_projected_volume():
    c = Cluster(nodes=1)
    c.apply(make_pod("web"))
    c.run(5)
    text = c.kubectl("describe pod web")
    name = c.get("pod", "web").spec.volumes[0].name
    assert "Priority:         0\nService Account:  default\nNode:" in text
    assert f"    Mounts:\n      {TOKEN_DIR} from {name} (ro)\n" in text
    # describe.go printProjectedVolumeSource
    assert (f"Volumes:\n  {name}:\n"
            "    Type:                    Projected (a volume that contains injected data from multiple sources)\n"
            "    TokenExpirationSeconds:  3607\n"
            "    ConfigMapName:           kube-root-ca.crt\n"
            "    ConfigMapOptional:       <nil>\n"  # the real kubectl 1.32 against `k8slite serve` prints this
            "    DownwardAPI:             true\n") in text


def test_init_containers_get_the_token_mount_too():
    c = Cluster(nodes=1)
    pod = make_pod("web")
    pod.spec.init_containers = [Container(name="setup", image="busybox", command=["true"])]
    c.apply(pod)
    stored = c.get("pod", "web")
    assert [m.mount_path for m in stored.spec.init_containers[0].volume_mounts] == [TOKEN_DIR]
    assert c.kubectl("get sa") == "NAME      SECRETS   AGE\ndefault   0         0s\n"  # short name sa


def test_every_pod_shares_one_token_source_list_and_a_copy_to_change_is_its_own():
    """The projected volume's sources are the same for every pod: stored pods share one list (memory, at
    150,000 pods); a pod copied to change gets its own, so the others keep theirs."""
    from k8slite.admission.serviceaccount import TOKEN_SOURCES

    c = Cluster(nodes=1)
    c.apply(make_pod("a"))
    c.apply(make_pod("b"))
    c.run(5)
    a, b = (c.get("pod", name) for name in ("a", "b"))
    assert a.spec.volumes[0].projected.sources is b.spec.volumes[0].projected.sources is TOKEN_SOURCES
    changed = a.copy()
    changed.spec.volumes[0].projected.sources[0]["serviceAccountToken"]["path"] = "changed"
    assert TOKEN_SOURCES[0]["serviceAccountToken"]["path"] == "token"
    assert c.get("pod", "b").to_dict()["spec"]["volumes"][0]["projected"]["sources"][0] == \
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}
