"""Every namespace's `default` ServiceAccount and `kube-root-ca.crt` ConfigMap.

Mirrors two controllers of kube-controller-manager:
pkg/controller/serviceaccount (serviceaccounts_controller.go), which makes
sure each namespace has the ServiceAccount `default`, and
pkg/controller/certificates/rootcacertpublisher (publisher.go), which makes
sure each has the ConfigMap `kube-root-ca.crt` holding the cluster's CA
certificate as `ca.crt`. Both watch namespaces (a new one gets its objects
at once) and their own objects (a deleted one comes back), and leave alone
a namespace that is being deleted. Pods find both through the
ServiceAccount admission plugin's projected volume.
Simplified: the certificate is a fixed, fake PEM block; the publisher does
not correct a ConfigMap whose data someone changed.
"""

from __future__ import annotations

import random
from contextlib import suppress

from k8slite.api.config import ConfigMap
from k8slite.api.core import Namespace
from k8slite.api.meta import KubeObject, ObjectMeta
from k8slite.api.serviceaccount import ServiceAccount
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.errors import AlreadyExists

DEFAULT_NAME = "default"
ROOT_CA_NAME = "kube-root-ca.crt"
DESCRIPTION = "kubernetes.io/description"
ROOT_CA_DESCRIPTION = (  # publisher.go's annotation, in its words
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints "
    "such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across "
    "distributions of Kubernetes clusters.")
FAKE_CA = ("-----BEGIN CERTIFICATE-----\n"
           "MIIDBTCCAe2gAwIBAgIIk8sliteCAk8wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n"
           "AxMKa3ViZXJuZXRlczAeFw0yNTAxMDEwMDAwMDBaFw0zNTAxMDEwMDAwMDBaMBUx\n"
           "-----END CERTIFICATE-----\n")


class NamespacedDefaultController(Controller):
    """One object of a fixed name in every active namespace; subclasses say which."""

    plural = ""
    object_name = ""

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        # The controller-manager's own connection: its uids come from a random source of its own, so these
        # objects leave every uid and generated name the API server's seeded rng gives others unchanged.
        self.writer = APIServer(api.clock, random.Random(self.name), api.store)
        self.namespaces = self.informer("namespaces", self.enqueue)
        self.owned = self.informer(self.plural, self.owned_changed)

    def owned_changed(self, event_type: str, obj: KubeObject) -> None:
        if event_type == "DELETED" and obj.name == self.object_name:
            self.queue.add(obj.namespace)  # syncNamespace: recreate what was deleted

    def resync_keys(self) -> list[str]:
        return sorted(self.namespaces.cache)

    def sync(self, key: str) -> None:
        ns = self.namespaces.get(key)
        if not isinstance(ns, Namespace) or ns.metadata.deletion_timestamp is not None \
                or ns.status.phase == "Terminating":
            return
        if self.owned.get(f"{key}/{self.object_name}") is not None:
            return
        with suppress(AlreadyExists):
            self.writer.create(self.make(key))

    def make(self, namespace: str) -> KubeObject:
        raise NotImplementedError


class ServiceAccountsController(NamespacedDefaultController):
    """serviceaccounts_controller.go: the ServiceAccount `default` in each namespace."""

    name = "serviceaccount-controller"
    plural = "serviceaccounts"
    object_name = DEFAULT_NAME

    def make(self, namespace: str) -> KubeObject:
        return ServiceAccount(metadata=ObjectMeta(name=DEFAULT_NAME, namespace=namespace))


class RootCACertPublisher(NamespacedDefaultController):
    """rootcacertpublisher/publisher.go: the ConfigMap `kube-root-ca.crt` in each namespace."""

    name = "root-ca-cert-publisher"
    plural = "configmaps"
    object_name = ROOT_CA_NAME

    def make(self, namespace: str) -> KubeObject:
        meta = ObjectMeta(name=ROOT_CA_NAME, namespace=namespace, annotations={DESCRIPTION: ROOT_CA_DESCRIPTION})
        return ConfigMap(metadata=meta, data={"ca.crt": FAKE_CA})
