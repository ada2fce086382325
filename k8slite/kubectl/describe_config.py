"""kubectl describe for ConfigMaps, Secrets and ServiceAccounts (describe.go's describers).

A ConfigMap: each key of `Data` under a `----` rule with its value below
it and a blank line, then `BinaryData` as sizes. A Secret: its type, and the size of each
value, never the value itself (only a service-account token is shown). A
ServiceAccount: its image pull secrets, mountable secrets and token
Secrets, `(not found)` after one that does not exist. Keys come sorted
(kubectl walks a Go map: with several keys, in an order that changes from
one run to the next).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from k8slite.api.config import ConfigMap, Secret
from k8slite.api.serviceaccount import ServiceAccount
from k8slite.kubectl.describe_writer import PrefixWriter, describe_events, events_for, heading

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token"  # corev1.SecretTypeServiceAccountToken
SERVICE_ACCOUNT_NAME = "kubernetes.io/service-account.name"  # corev1.ServiceAccountNameKey
SERVICE_ACCOUNT_UID = "kubernetes.io/service-account.uid"  # corev1.ServiceAccountUIDKey


def describe_configmap(cluster: Cluster, cm: ConfigMap) -> str:
    w = PrefixWriter()
    heading(w, cm)
    w.write(0, "\nData\n====\n")
    for key in sorted(cm.data):
        w.write(0, f"{key}:\n----\n{cm.data[key]}\n\n")
    w.write(0, "\nBinaryData\n====\n")
    for key in sorted(cm.binary_data):
        w.write(0, f"{key}: {len(base64.b64decode(cm.binary_data[key]))} bytes\n")
    w.write(0, "\n")
    describe_events(w, events_for(cluster, cm), cluster.now)
    return w.result()


def describe_secret(cluster: Cluster, secret: Secret) -> str:
    w = PrefixWriter()
    heading(w, secret)
    w.write(0, f"\nType:\t{secret.type}\n\nData\n====\n")
    for key in sorted(secret.data):
        value = base64.b64decode(secret.data[key])
        if key == "token" and secret.type == SERVICE_ACCOUNT_TOKEN:
            w.write(0, f"{key}:\t{value.decode(errors='replace')}\n")
        else:
            w.write(0, f"{key}:\t{len(value)} bytes\n")
    return w.result()


def describe_serviceaccount(cluster: Cluster, sa: ServiceAccount) -> str:
    secrets = [s for s in cluster.api.list("secrets", sa.namespace) if isinstance(s, Secret)]
    existing = {s.name for s in secrets}
    tokens = [s.name for s in secrets if s.type == SERVICE_ACCOUNT_TOKEN
              and s.metadata.annotations.get(SERVICE_ACCOUNT_NAME) == sa.name
              and s.metadata.annotations.get(SERVICE_ACCOUNT_UID) == sa.metadata.uid]
    w = PrefixWriter()
    heading(w, sa)
    for header, names in (("Image pull secrets:", [str(s.get("name", "")) for s in sa.image_pull_secrets]),
                          ("Mountable secrets: ", [str(s.get("name", "")) for s in sa.secrets]),
                          ("Tokens:            ", tokens)):
        if not names:
            w.write(0, f"{header}\t<none>\n")
        for i, name in enumerate(names):
            missing = " (not found)" if name not in existing else ""
            w.write(0, f"{header if i == 0 else ' ' * len(header)}\t{name}{missing}\n")
    describe_events(w, events_for(cluster, sa), cluster.now)
    return w.result()
