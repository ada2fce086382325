"""Other answers to chapter 15's exercises (format: tests/course/answers/__init__.py)."""

FRONTEND = '''
frontend_yaml = """
apiVersion: v1
kind: Service
metadata:
  name: frontend
spec:
  selector:
    app: guestbook
    tier: frontend
  ports:
  - name: http
    port: 80
    targetPort: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: guestbook
spec:
  replicas: 3
  selector:
    matchLabels:
      app: guestbook
      tier: frontend
  template:
    metadata:
      labels:
        app: guestbook
        tier: frontend
    spec:
      volumes:
      - name: html
        emptyDir: {}
      containers:
      - name: httpd
        image: busybox:1.36
        command: ["httpd", "-f", "-p", "8080", "-h", "/srv"]
        ports:
        - name: web
          containerPort: 8080
        volumeMounts:
        - {name: html, mountPath: /srv}
        readinessProbe:
          httpGet: {path: /index.html, port: web}
          periodSeconds: 3
          failureThreshold: 2
      - name: writer
        image: redis:7
        env:
        - name: TITLE
          valueFrom:
            configMapKeyRef: {name: guestbook-config, key: TITLE}
        - name: HOST
          valueFrom:
            configMapKeyRef: {name: guestbook-config, key: REDIS_READ_HOST}
        command:
        - sh
        - -c
        - >-
          while true; do echo $TITLE > /srv/new;
          redis-cli -h $HOST LRANGE guestbook 0 -1 >> /srv/new && mv /srv/new /srv/index.html;
          sleep 3; done
        volumeMounts:
        - {name: html, mountPath: /srv}
"""
'''


def variant(old: str, new: str) -> str:
    assert old in FRONTEND, old
    return FRONTEND.replace(old, new)


LEADER = '''
leader_yaml = """
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: leader-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 500Mi
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: redis-leader
spec:
  replicas: 1
  strategy: {type: Recreate}
  selector:
    matchLabels: {role: leader}
  template:
    metadata:
      labels: {role: leader}
    spec:
      containers:
      - name: leader
        image: redis:7
        command: [redis-server]
        args: [--appendonly, "yes"]
        volumeMounts:
        - {name: storage, mountPath: /data}
      volumes:
      - name: storage
        persistentVolumeClaim: {claimName: leader-data}
---
apiVersion: v1
kind: Service
metadata:
  name: redis-leader
spec:
  selector: {role: leader}
  ports:
  - port: 6379
"""
'''


def leader_variant(old: str, new: str) -> str:
    assert old in LEADER, old
    return LEADER.replace(old, new)


RIGHT = {"15.1": FRONTEND, "15.2": LEADER}

WRONG = {
    "15.1": [
        ("no readinessProbe: Ready before there is a page", variant(
            "        readinessProbe:\n          httpGet: {path: /index.html, port: web}\n          periodSeconds: 3\n"
            "          failureThreshold: 2\n", "")),
        ("readiness asks only whether httpd listens", variant(
            "httpGet: {path: /index.html, port: web}", "tcpSocket: {port: web}")),
        ("the Service selects every pod of the application, the admin pod too", variant(
            "spec:\n  selector:\n    app: guestbook\n    tier: frontend\n  ports:\n  - name: http\n    port: 80\n"
            "    targetPort: web\n",
            "spec:\n  selector:\n    app: guestbook\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n")),
        ("the Service sends to port 80, where nothing listens", variant("targetPort: web", "targetPort: 80")),
        ("all three replicas pinned to one node", variant(
            "    spec:\n      volumes:\n", "    spec:\n      nodeName: node-2\n      volumes:\n")),
        ("the title written in, not taken from the ConfigMap", variant(
            "echo $TITLE > /srv/new", "echo Guestbook > /srv/new")),
    ],
    "15.2": [
        ("an emptyDir: the data goes with the pod", leader_variant(
            "persistentVolumeClaim: {claimName: leader-data}", "emptyDir: {}")),
        ("no --appendonly yes: Redis keeps the data in memory", leader_variant(
            '        args: [--appendonly, "yes"]\n', "")),
        ("the claim mounted where Redis does not write", leader_variant(
            "mountPath: /data}", "mountPath: /var/lib/redis}")),
    ],
}

QUOTA = '''
quota_yaml = """
apiVersion: v1
kind: ResourceQuota
metadata:
  name: budget
spec:
  hard:
    requests.memory: 650Mi
"""
'''

RIGHT["15.3"] = QUOTA

WRONG["15.3"] = [
    ("seven pods: the seed Job's pod is gone once it finished, and the fourth front end takes its place",
     QUOTA.replace("requests.memory: 650Mi", 'pods: "7"')),
    ("the app without the seed Job: the Job's pod cannot start", QUOTA.replace("requests.memory: 650Mi",
                                                                                "requests.cpu: 900m")),
    ("room for everything: the drill's 1500m", QUOTA.replace("requests.memory: 650Mi", "requests.cpu: 1500m")),
]
