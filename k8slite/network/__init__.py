"""The cluster network: pod addresses, how packets cross machines, Services and DNS.

Mirrors what a CNI plugin (flannel's host-gw and vxlan backends), kube-proxy and
CoreDNS do together. One concept per module:

- `podnet`: each node's podCIDR, pod IP allocation, routes versus an overlay, tracing a request hop by hop
  (`ipam`: host-local IP allocation per node; `trace`: the hops of one request, with a resolver hook for Services).
- `clusterip`, `proxy`, `dns`: Service virtual IPs, kube-proxy's load balancing, cluster DNS names.
"""
