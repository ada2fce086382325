"""The course's glossary: every term it teaches, in English and in Chinese, with the chapter that teaches it.

Mirrors the Kubernetes glossary (kubernetes.io/docs/reference/glossary, and its Chinese
edition under kubernetes.io/zh-cn) for the words this course uses, and adds the course's own
(the virtual clock, Swarm, Mesos). It simplifies: one line of definition per term, one chapter.

The rules of the data:

- ``chinese`` is the word the Chinese Kubernetes docs use (容器, 镜像, 污点, 持久卷申领 ...).
  Where those docs keep an API kind's English name (Pod, Deployment, ConfigMap ...), the column
  gives that name and, in full-width brackets, the Chinese word readers meet beside it in Chinese
  consoles and books: ``Pod（容器组）``. A bracket may also hold a second name in use:
  ``名字空间（命名空间）``.
- ``chapter`` is the first chapter that teaches the term (the two digits of its notebook): the
  chapter whose prose names it at least twice, and more often than any earlier chapter does
  (tests/course/test_glossary.py holds every entry to that). Chapter 00's tour names many words
  in passing; it is a term's chapter only for the words it teaches itself.
- ``TERMS`` is in the order of the chapters.
"""

from __future__ import annotations

import difflib
import html
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from k8slite.course.workspace import book_notebooks, chapter_of, default_book


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    english: str
    """The English term as the course writes it; a qualifier in brackets tells two senses apart."""
    chinese: str
    """The Chinese term as the Chinese Kubernetes docs write it (see the module docstring)."""
    chapter: str
    """The first chapter that teaches it: two digits, the notebook's number ("06")."""
    definition: str
    """One line of English."""


TERMS: tuple[Term, ...] = (
    Term("cluster", "集群", "00", "A set of machines (nodes) run as one by a control plane."),
    Term("manifest", "清单", "00",
         "A YAML (or JSON) file declaring Kubernetes objects, as `kubectl apply -f` takes it."),
    Term("Event", "事件", "00",
         "A record of something that happened to an object, with a type, a reason and a message."),
    Term("virtual clock", "虚拟时钟", "00",
         "k8slite's simulated time: `c.run(30)` fires every timer of the next 30 s at once."),
    Term("container", "容器", "01",
         "A process the kernel isolates with namespaces and limits with cgroups, run from an image."),
    Term("virtual machine", "虚拟机", "01",
         "A whole computer emulated with its own kernel; containers share the host's kernel."),
    Term("namespace (Linux)", "Linux 命名空间", "01",
         "A kernel feature giving processes their own view of one resource: PIDs, network, mounts, hostname, IPC."),
    Term("cgroup", "控制组", "01",
         "A Linux control group: processes whose CPU, memory and I/O the kernel counts and limits."),
    Term("limits (resources)", "资源限制", "01",
         "The most CPU or memory a container may use, enforced by its cgroup; over the memory limit it is OOMKilled."),
    Term("root filesystem", "根文件系统", "01", "The files a container sees at `/`, unpacked from its image's layers."),
    Term("container runtime", "容器运行时", "01",
         "The software that runs containers on a node (containerd, CRI-O, runc)."),
    Term("OCI runtime", "OCI 运行时", "01",
         "A low-level runtime (runc, crun) that runs a container from an OCI bundle's config.json."),
    Term("pause container", "pause 容器", "01",
         "The tiny container holding a pod's shared namespaces, and so its IP, while app containers come and go."),
    Term("grace period", "宽限期", "01",
         "The time between SIGTERM and SIGKILL when a container is stopped (30 s by default)."),
    Term("image", "镜像", "02",
         "A stack of filesystem layers plus a config saying how to start it, named by tag or digest."),
    Term("layer", "镜像层", "02",
         "A tar archive of file changes; an image's layers stacked in order make the root filesystem."),
    Term("digest", "摘要", "02",
         "The SHA-256 of a blob's bytes (`sha256:...`): a name that cannot move, unlike a tag."),
    Term("tag", "镜像标签", "02", "A movable name for an image in a repository, like the `1.36` of `busybox:1.36`."),
    Term("Dockerfile", "Dockerfile（镜像构建文件）", "02",
         "Build steps (FROM, COPY, RUN, CMD); each step that changes files adds a layer."),
    Term("registry", "镜像仓库", "02", "A server that stores images and hands them out over HTTP: push and pull."),
    Term("ImagePullBackOff", "镜像拉取回退", "02",
         "A pod's waiting reason: the image could not be pulled, and the kubelet waits to retry."),
    Term("pod", "Pod（容器组）", "03",
         "The smallest unit Kubernetes runs: containers that share an IP, a hostname and volumes, on one node."),
    Term("sidecar", "边车容器", "03",
         "A helper container in the same pod as the main one (logs, proxy, content sync)."),
    Term("node", "节点", "04", "A machine in the cluster, with a kubelet and a container runtime that run pods."),
    Term("kubelet", "kubelet（节点代理）", "04",
         "The agent on every node: it runs the pods bound to its node, restarts containers and reports status."),
    Term("CRI", "容器运行时接口", "04",
         "Container Runtime Interface: the API the kubelet uses to make pod sandboxes and containers."),
    Term("restartPolicy", "重启策略", "04",
         "Whether the kubelet restarts a pod's exited containers: Always, OnFailure or Never."),
    Term("CrashLoopBackOff", "崩溃循环回退", "04",
         "A container that keeps exiting waits 10, 20, 40 ... up to 300 s before each restart."),
    Term("back-off", "回退", "04", "Waiting longer after each failure (doubling, up to a cap) before trying again."),
    Term("probe", "探针", "04", "A check the kubelet runs on a container (exec, HTTP GET or TCP): alive? ready?"),
    Term("liveness probe", "存活探针", "04", "A probe whose failures make the kubelet restart the container."),
    Term("readiness probe", "就绪探针", "04",
         "A probe whose failure marks the pod not Ready, so Services stop sending it traffic."),
    Term("phase", "Pod 阶段", "04", "A pod's status.phase: Pending, Running, Succeeded, Failed or Unknown."),
    Term("heartbeat", "心跳", "04", "A node's sign of life: its kubelet renews the node's Lease every 10 s."),
    Term("Lease", "租约", "04", "A small API object renewed to say \"still alive\": node heartbeats, leader election."),
    Term("static pod", "静态 Pod", "04", "A pod the kubelet runs from a file on its own node, without the API server."),
    Term("API server", "API 服务器", "05",
         "kube-apiserver: the one door to the cluster's state; it validates, stores in etcd, serves list and watch."),
    Term("desired state", "期望状态", "05",
         "What an object's spec declares; controllers work to make the actual state match it."),
    Term("etcd", "etcd（键值存储）", "05",
         "The consistent, replicated key-value store that holds every object of the cluster."),
    Term("resourceVersion", "资源版本", "05",
         "The store revision of an object's last write; used to detect conflicts and resume watches."),
    Term("optimistic concurrency", "乐观并发", "05",
         "Writes carry the resourceVersion they read; a stale one is refused (409 Conflict), nothing is locked."),
    Term("admission", "准入控制", "05",
         "The API server's checks before storing a request: the namespace exists, the quota allows it."),
    Term("watch", "监视", "05",
         "A long request streaming every change (ADDED, MODIFIED, DELETED) after a resourceVersion."),
    Term("informer", "Informer（通知组件）", "05",
         "A client-side cache kept current by list + watch, calling handlers on changes."),
    Term("work queue", "工作队列", "05",
         "The keys of objects a controller still has to reconcile; duplicates merge, failures retry."),
    Term("reconcile loop", "调和循环", "05",
         "A controller's pass: compare desired and observed state, act on the difference, repeat."),
    Term("control plane", "控制平面", "05",
         "The components that decide and record: API server, etcd, scheduler, controllers."),
    Term("quorum", "法定人数", "05",
         "A majority of etcd members; a write counts once a quorum has it, so 3 members survive 1 failure."),
    Term("leader", "领导者", "05",
         "The member of a Raft group that orders the writes; the others follow and elect a new one."),
    Term("kubectl", "kubectl（命令行工具）", "05",
         "The command-line client of the Kubernetes API: get, apply, describe, logs, rollout."),
    Term("scheduler", "调度器", "06",
         "kube-scheduler: chooses a node for every pod that has none: filter, score, bind."),
    Term("filter plugin", "过滤插件", "06", "A scheduler plugin that rules out nodes a pod cannot run on."),
    Term("score plugin", "打分插件", "06", "A scheduler plugin that ranks the nodes left after filtering, 0 to 100."),
    Term("binding", "绑定", "06", "The scheduler's decision written to the API: the pod's spec.nodeName."),
    Term("requests (resources)", "资源请求", "06",
         "The CPU and memory a container asks for; the scheduler adds up requests, not actual use."),
    Term("allocatable", "可分配资源", "06", "The part of a node's capacity that pods may request."),
    Term("label", "标签", "06", "A key/value pair on an object (app=web) for selectors to match."),
    Term("selector", "选择算符", "06", "A query over labels (app=web) that picks a set of objects."),
    Term("taint", "污点", "06", "A mark on a node (key=value:effect) that keeps off pods which do not tolerate it."),
    Term("node affinity", "节点亲和性", "06", "Rules on node labels that a pod requires or prefers."),
    Term("anti-affinity", "反亲和性", "06", "A rule keeping a pod away from nodes (or zones) that run matching pods."),
    Term("bin packing", "装箱", "06", "Filling as few nodes as possible (MostAllocated), the opposite of spreading."),
    Term("controller", "控制器", "07",
         "A loop that watches objects and acts to move the actual state toward the desired state."),
    Term("level-triggered", "水平触发", "07",
         "Acting on the current state, not on the event that woke you; lost events do no lasting harm."),
    Term("self-healing", "自愈", "07", "Controllers replacing what failed until the declared state holds again."),
    Term("ReplicaSet", "ReplicaSet（副本集）", "07",
         "Keeps a given number of identical pods running, replacing those that go."),
    Term("DaemonSet", "DaemonSet（守护进程集）", "07",
         "Runs one copy of a pod on every node that may take it, following nodes as they come and go."),
    Term("owner reference", "属主引用", "07",
         "metadata.ownerReferences: the object (a ReplicaSet, a Job) that a pod belongs to."),
    Term("toleration", "容忍度", "07",
         "A pod's permission to run on, or stay on, a node with a matching taint, maybe for a time."),
    Term("eviction", "驱逐", "07", "Removing pods from a node: from a NotReady node after 300 s, or by a drain."),
    Term("drain", "腾空", "07", "kubectl drain: cordon a node and evict its pods before maintenance."),
    Term("Deployment", "Deployment（部署）", "08",
         "Runs a versioned set of pods through ReplicaSets: scaling, rolling updates, rollback."),
    Term("replica", "副本", "08", "One of the identical pods a ReplicaSet or a Deployment keeps running."),
    Term("scaling", "扩缩", "08", "Changing the number of replicas (kubectl scale)."),
    Term("rolling update", "滚动更新", "08",
         "Replacing old pods with new ones a few at a time, so the app keeps serving."),
    Term("maxSurge", "最大峰值", "08",
         "How many pods above the desired count a rolling update may add (25 %, rounded up)."),
    Term("maxUnavailable", "最大不可用", "08",
         "How many pods below the desired count a rolling update may go (25 %, rounded down)."),
    Term("rollout", "上线", "08", "A Deployment's change of version: kubectl rollout status, history, undo."),
    Term("rollback", "回滚", "08", "Going back to an earlier revision of a Deployment (kubectl rollout undo)."),
    Term("Job", "Job（任务）", "09", "Runs pods until enough of them finish successfully, retrying failures."),
    Term("completions", "完成计数", "09", "How many pods of a Job must succeed."),
    Term("parallelism", "并行性", "09", "How many pods of a Job may run at once."),
    Term("backoffLimit", "回退限制", "09", "How many failed pods a Job accepts before it fails (6 by default)."),
    Term("Indexed Job", "带索引的 Job", "09", "A Job whose pods each get an index 0 .. completions-1."),
    Term("CronJob", "CronJob（定时任务）", "09",
         "Makes a Job at each time of a cron schedule; concurrencyPolicy says what to do while the last one runs."),
    Term("volume", "卷", "10", "A directory a pod's containers can mount; it outlives container restarts."),
    Term("emptyDir", "emptyDir（临时目录卷）", "10",
         "A volume made empty when the pod starts on a node and deleted with the pod."),
    Term("hostPath", "hostPath（主机路径卷）", "10", "A volume that is a directory of the node itself."),
    Term("PersistentVolume", "持久卷", "10", "A piece of cluster storage, an API object that outlives any pod."),
    Term("PersistentVolumeClaim", "持久卷申领", "10",
         "A request for storage (size, access mode) that binds to one PersistentVolume."),
    Term("StorageClass", "StorageClass（存储类）", "10",
         "A kind of storage; a claim naming it gets a volume made on demand."),
    Term("dynamic provisioning", "动态制备", "10",
         "Creating a PersistentVolume when a claim asks for one, through its StorageClass."),
    Term("access mode", "访问模式", "10",
         "How a volume may be mounted: ReadWriteOnce (one node), ReadOnlyMany, ReadWriteMany."),
    Term("ConfigMap", "ConfigMap（配置字典）", "10",
         "Configuration as key/value pairs, given to pods as files or environment variables."),
    Term("Secret", "Secret（保密字典）", "10",
         "Like a ConfigMap, for passwords, tokens and keys (base64, not encrypted by default)."),
    Term("StatefulSet", "StatefulSet（有状态副本集）", "10",
         "Runs numbered pods (web-0, web-1 ...), each with its own claims and DNS name, kept when it is replaced."),
    Term("Namespace (Kubernetes)", "名字空间（命名空间）", "11",
         "A scope for names inside a cluster; quotas and access rules apply per namespace."),
    Term("ResourceQuota", "资源配额", "11",
         "A namespace's budget of requests, limits and objects; admission refuses what exceeds it."),
    Term("LimitRange", "LimitRange（限制范围）", "11",
         "Per-container defaults and bounds for requests and limits in a namespace."),
    Term("pod IP", "Pod IP 地址", "12",
         "The address each pod gets from its node's range; every pod reaches every other directly."),
    Term("route", "路由", "12",
         "A rule telling a machine where to send packets for an address range (a node's pod CIDR)."),
    Term("overlay network", "覆盖网络", "12", "A pod network carried inside packets between the nodes, such as VXLAN."),
    Term("VXLAN", "VXLAN（虚拟可扩展局域网）", "12",
         "A tunnel that wraps Ethernet frames in UDP; the usual overlay network."),
    Term("Service", "服务", "12", "A stable name and virtual IP for the changing set of pods its selector matches."),
    Term("ClusterIP", "集群 IP", "12", "A Service's virtual IP inside the cluster, answered by kube-proxy's rules."),
    Term("NodePort", "节点端口", "12", "A Service type that also opens one port (30000-32767) on every node."),
    Term("kube-proxy", "kube-proxy（网络代理）", "12",
         "The agent on every node turning Service IPs into rules that reach ready pods."),
    Term("endpoints", "端点", "12",
         "The ready pods' IPs and ports behind a Service, kept by the endpoints controller."),
    Term("EndpointSlice", "EndpointSlice（端点切片）", "12",
         "The API object holding a slice of a Service's endpoints (the newer Endpoints)."),
    Term("DNS", "集群 DNS", "12",
         "The cluster's name server: `web` and `web.default.svc.cluster.local` give a Service's IP."),
    Term("session affinity", "会话亲和性", "12",
         "Sending every connection from one client IP to the same pod (ClientIP)."),
    Term("CNI", "容器网络接口", "13",
         "Container Network Interface: the plugins that give a pod its network interface and IP."),
    Term("dockershim", "dockershim（Docker 适配层）", "13",
         "The kubelet's old adapter to Docker, removed in 1.24: a pause container plus containers that join it."),
    Term("orchestration", "编排", "14",
         "Running containers on many machines as one system: placing, restarting, scaling, connecting."),
    Term("Swarm", "Swarm 模式", "14",
         "Docker's built-in orchestrator: services made of tasks, managers that agree through Raft."),
    Term("Mesos", "Mesos 资源管理器", "14",
         "A cluster manager that offers free resources to frameworks, which choose what to run."),
    Term("resource offer", "资源邀约", "14",
         "Mesos' unit of scheduling: free CPU and memory on one agent, offered to one framework."),
    Term("Dominant Resource Fairness", "主导资源公平", "14",
         "DRF: Mesos offers first to the framework with the smallest share of its most used resource."),
    Term("Raft", "Raft 共识算法", "14",
         "A consensus algorithm: a leader copies a log to a majority; etcd and Swarm managers use it."),
)

BRACKETS = re.compile(r"[（(]([^）)]*)[）)]")


def normalized(word: str) -> str:
    """Case, surrounding space and inner runs of space do not matter."""
    return " ".join(word.split()).casefold()


def names_of(term: Term) -> list[str]:
    """Every name `lookup` knows a term by: both columns whole, the English without its qualifier
    ("namespace"), and each Chinese name around and inside the brackets ("Pod", "容器组")."""
    names = [term.english, BRACKETS.sub("", term.english), term.chinese, BRACKETS.sub("", term.chinese)]
    names += BRACKETS.findall(term.chinese)
    return [normalized(name) for name in names if name.strip()]


def index() -> dict[str, list[Term]]:
    found: dict[str, list[Term]] = {}
    for term in TERMS:
        for name in dict.fromkeys(names_of(term)):
            found.setdefault(name, []).append(term)
    return found


def lookup(word: str) -> Term:
    """The term named `word`, in English or Chinese, any case: ``lookup("污点")``, ``lookup("taint")``.

    KeyError says why: no such term (with the closest names), or a word with two senses.
    """
    terms = index()
    matches = terms.get(normalized(word), [])
    if len(matches) == 1:
        return matches[0]
    if matches:
        senses = " or ".join(repr(t.english) for t in matches)
        raise KeyError(f"{word!r} has {len(matches)} senses in the glossary: ask for {senses}")
    close = difflib.get_close_matches(normalized(word), list(terms), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise KeyError(f"{word!r} is not in the glossary ({len(TERMS)} terms, English or Chinese){hint}")


def width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and full-width (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def format_glossary(terms: tuple[Term, ...] = TERMS) -> str:
    """The glossary as a plain-text table, its columns aligned in a terminal (CJK counted twice)."""
    header = ("Ch", "English", "中文", "Definition")
    rows = [header] + [(t.chapter, t.english, t.chinese, t.definition) for t in terms]
    widths = [max(width(row[i]) for row in rows) for i in range(3)]
    lines = []
    for number, row in enumerate(rows):
        cells = [pad(cell, widths[i]) for i, cell in enumerate(row[:3])]
        lines.append("  ".join([*cells, row[3]]))
        if number == 0:
            lines.append("  ".join(["-" * w for w in widths] + ["-" * width(header[3])]))
    return "\n".join(lines)


def search(text: str, terms: tuple[Term, ...] = TERMS) -> tuple[Term, ...]:
    """The terms whose English, Chinese or definition contains `text` (any case); all of them for ""."""
    wanted = normalized(text)
    return tuple(t for t in terms if any(wanted in normalized(f) for f in (t.english, t.chinese, t.definition)))


def chapter_notebooks(book: Path | None = None) -> dict[str, str]:
    """Chapter number -> notebook file name ("06" -> "06_scheduler.ipynb"), from the book's folder."""
    return {number: p.name for p in book_notebooks(book or default_book()) if (number := chapter_of(p))}


def markdown_table(terms: tuple[Term, ...] = TERMS, notebooks: dict[str, str] | None = None) -> str:
    """The glossary as a Markdown table whose chapter numbers link to their notebooks."""
    links = chapter_notebooks() if notebooks is None else notebooks
    rows = ["| Ch | English | 中文 | Definition |", "|---|---|---|---|"]
    for t in terms:
        chapter = f"[{t.chapter}]({links[t.chapter]})" if t.chapter in links else t.chapter
        cells = [chapter, t.english, t.chinese, t.definition]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def html_table(terms: tuple[Term, ...] = TERMS, notebooks: dict[str, str] | None = None) -> str:
    """The same table in HTML, for a widget to show."""
    links = chapter_notebooks() if notebooks is None else notebooks
    rows = ["<table>", "<tr><th>Ch</th><th>English</th><th>中文</th><th>Definition</th></tr>"]
    for t in terms:
        chapter = f'<a href="{links[t.chapter]}">{t.chapter}</a>' if t.chapter in links else t.chapter
        cells = [chapter] + [html.escape(c) for c in (t.english, t.chinese, t.definition)]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return "\n".join([*rows, "</table>"])
