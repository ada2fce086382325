"""Reaching a real cluster from a kubeconfig, or saying in one sentence why not.

Mirrors what kubectl does before its first request: read the kubeconfig
(the file given, else $KUBECONFIG, else ~/.kube/config), take its current
context (or the one named), and talk to that context's server with its
credentials. Where kubectl prints "The connection to the server ... was
refused", RemoteCluster raises one exception that names the file, the
server and what to do, rather than a traceback from deep in the client.
Simplified: one attempt, no retries.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from kubernetes import config as kube_config
from kubernetes.client import ApiClient, Configuration, CoreApi
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException
from urllib3.exceptions import HTTPError as Urllib3Error

from k8slite.client import KubeconfigError


class ClusterUnreachable(ConnectionError):
    """The API server named by the kubeconfig does not answer (or does not accept its credentials)."""


def kubeconfig_path(kubeconfig: str | Path | None) -> str:
    """What kubectl reads: the file given, else $KUBECONFIG (a list joined by ':'), else ~/.kube/config."""
    if kubeconfig is not None:
        return str(kubeconfig)
    return os.environ.get("KUBECONFIG") or str(Path.home() / ".kube" / "config")


def connect(path: str, context: str | None) -> ApiClient:
    """An ApiClient for the kubeconfig's context, having checked that its server answers."""
    configuration = Configuration()
    try:
        if not any(Path(part).is_file() for part in path.split(os.pathsep)):
            raise FileNotFoundError("there is no such file")
        kube_config.load_kube_config(config_file=path, context=context, client_configuration=configuration)
    except (OSError, ConfigException, yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError) as e:
        which = f'context "{context}"' if context else "the current context"
        reason = str(e).strip().rstrip(".")
        raise KubeconfigError(f"cannot use the kubeconfig {path} ({which}): {reason}. Give "
                              "RemoteCluster(kubeconfig=...) a kubeconfig that kubectl can use (`kubectl "
                              "--kubeconfig FILE get nodes`; kind writes one with `kind get kubeconfig --name NAME "
                              "> FILE`).") from None
    configuration.retries = 0  # one attempt: an unreachable server is said at once, not after retries
    client = ApiClient(configuration)
    server = configuration.host
    try:
        CoreApi(client).get_api_versions(_request_timeout=10)  # GET /api: needs the credentials to be good
    except ApiException as e:
        client.close()
        raise ClusterUnreachable(f"the API server at {server} (kubeconfig {path}) refused the request: {e.status} "
                                 f"{e.reason}. Its credentials may have expired: get a fresh kubeconfig.") from None
    except Urllib3Error as e:
        client.close()
        cause = getattr(e, "reason", None) or e
        raise ClusterUnreachable(f"cannot reach the API server at {server} (kubeconfig {path}): {cause}. Is the "
                                 "cluster running? (kind: `kind get clusters`; k8slite: `k8slite serve`)") from None
    return client
