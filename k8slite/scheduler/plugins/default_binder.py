"""DefaultBinder, pkg/scheduler/framework/plugins/defaultbinder: bind through the API.

The scheduler's only write: POST pods/<name>/binding, which sets
spec.nodeName. The kubelet on that node sees its new pod through its watch.
"""

from __future__ import annotations

from k8slite.api.pod import Pod
from k8slite.apiserver import APIServer

NAME = "DefaultBinder"


class DefaultBinder:
    NAME = NAME

    def __init__(self, api: APIServer) -> None:
        self.api = api

    def bind(self, pod: Pod, node_name: str) -> Pod:
        return self.api.bind(pod, node_name)
