"""The kubelet: the node agent that turns the pods bound to its node into running containers.

Mirrors pkg/kubelet, one module per part, as in Kubernetes:

- `agent.py`: the Kubelet itself (kubelet.go, pod_workers.go): registers its Node,
  heartbeats, watches its own pods (spec.nodeName), syncs each pod, writes its status.
- `init_containers.py`: the order of init containers, sidecars and app containers
  (kuberuntime's computeInitContainerActions).
- `status.py`: the status the kubelet writes for a pod (generateAPIPodStatus).
- `phase.py`: a pod's phase and conditions from its containers (getPhase), and
  restart decisions from the restart policy.
- `prober.py`: liveness, readiness and startup probes (pkg/kubelet/prober).
- `backoff.py`: the exponential back-off of CrashLoopBackOff and ImagePullBackOff.
- `image_manager.py`: image pulls and their policy (pkg/kubelet/images).
- `volume_manager.py` and `projected_volume.py`: a pod's volumes, mounted before its
  containers start (pkg/kubelet/volumemanager).
"""

from k8slite.kubelet.agent import Kubelet

__all__ = ["Kubelet"]
