"""kubectl rollout, set image, and the Deployment and Job tables and descriptions, in kubectl's words."""

from builders import deployment_yaml, job_yaml

from k8slite import Cluster


def make(minready: int = 0):
    c = Cluster(nodes=3)
    c.apply(deployment_yaml(replicas=3, extra=f"  minReadySeconds: {minready}"))
    return c


def test_rollout_status_prints_each_state_then_success():
    c = make(minready=5)
    assert c.kubectl("rollout status deployment/web") == (
        "Waiting for deployment spec update to be observed...\n"
        'Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...\n'
        'deployment "web" successfully rolled out\n')
    assert c.now == 7  # Ready at 1.013 s (after the pull), available 5 s later; rollout status looks each second
    c.kubectl("set image deployment/web app=busybox:2")
    text = c.kubectl("rollout status deploy/web")
    assert 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n' in text
    assert "old replicas are pending termination...\n" in text
    assert text.endswith('deployment "web" successfully rolled out\n')


def test_rollout_status_without_watch():
    c = make(minready=5)
    c.run(1)
    assert c.kubectl("rollout status deployment/web --watch=false") == (
        'Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...\n')


def test_set_image_history_and_undo():
    c = make()
    c.run(5)
    assert c.kubectl("set image deployment/web app=busybox:2") == "deployment.apps/web image updated\n"
    assert c.kubectl("set image deployment/web nope=busybox:2") == 'error: unable to find container named "nope"\n'
    c.run(10)
    assert c.kubectl("rollout history deployment/web") == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n")
    assert "Image:" in c.kubectl("rollout history deployment/web --revision=1")
    assert c.kubectl("rollout undo deployment/web --to-revision=7") == (
        "error: unable to find specified revision 7 in history\n")
    assert c.kubectl("rollout undo deployment/web") == "deployment.apps/web rolled back\n"
    c.run(10)
    assert c.get("deploy", "web").spec.template.spec.containers[0].image == "busybox"
    assert c.kubectl("rollout history deployment/web") == (
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n\n")
    assert c.kubectl("rollout undo deployment/web --to-revision=3") == (
        "deployment.apps/web skipped rollback (current template already matches revision 3)\n")


def test_pause_resume_words():
    c = make()
    assert c.kubectl("rollout pause deployment/web") == "deployment.apps/web paused\n"
    assert c.kubectl("rollout pause deployment/web") == 'error: deployments.apps "web" is already paused\n'
    assert c.kubectl("rollout undo deployment/web").startswith("error: you cannot rollback a paused deployment")
    assert c.kubectl("rollout resume deployment/web") == "deployment.apps/web resumed\n"
    assert c.kubectl("rollout resume deployment/web") == 'error: deployments.apps "web" is not paused\n'
    assert c.kubectl("rollout sideways deployment/web") == 'error: unknown command "sideways" for "kubectl rollout"\n'


def test_get_and_describe_deployment():
    c = make()
    c.run(10)
    assert c.kubectl("get deploy") == ("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\n"
                                       "web    3/3     3            3           10s\n")
    assert "busybox" in c.kubectl("get deploy -o wide").splitlines()[1]
    text = c.kubectl("describe deployment web")
    for line in ("Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable",
                 "RollingUpdateStrategy:  25% max unavailable, 25% max surge",
                 "  Available      True    MinimumReplicasAvailable",
                 "  Progressing    True    NewReplicaSetAvailable", "OldReplicaSets:  <none>"):
        assert line in text, text
    rs = c.get("rs")[0].name
    assert f"NewReplicaSet:   {rs} (3/3 replicas created)" in text
    assert f"deployment-controller  Scaled up replica set {rs} from 0 to 3" in text
    assert c.kubectl("scale deployment web --replicas=1") == "deployment.apps/web scaled\n"
    c.run(1)
    assert c.get("deploy", "web").status.replicas == 1


def test_describe_job():
    c = Cluster(nodes=1)
    c.apply(job_yaml(extra="  completions: 2"))
    c.run(5)
    text = c.kubectl("describe job work")
    assert "Pods Statuses:    0 Active (0 Ready) / 2 Succeeded / 0 Failed" in text, text
    assert "Completions:      2" in text and "Backoff Limit:    6" in text and "Job completed" in text
