"""kubectl get -o go-template (Go's text/template), and the template files and jsonpath-as-json.

The expected texts are what the real kubectl 1.32 printed for the same templates and data
(tests/server/test_http_kubectl.py runs it beside c.kubectl on a served cluster).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from k8slite import Cluster
from k8slite.kubectl.gofmt import go_float, sprintf
from k8slite.kubectl.gotemplate import PrintError, execute, parse, render
from k8slite.kubectl.gotemplate_parse import TemplateError

DEPLOY = {"apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}, "deletionTimestamp": None},
          "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx"},
                                                                      {"name": "log", "image": "busybox"}]}}},
          "data": {"password": "aHVudGVyMg=="}}


@pytest.mark.parametrize(("template", "text"), [
    ("{{.spec.replicas}} {{.kind}}", "2 Deployment"),
    ("{{.spec.missing}}|{{.spec.missing.x}}|{{.metadata.deletionTimestamp}}", "<no value>|<no value>|<no value>"),
    ('{{range .spec.template.spec.containers}}{{.name}}={{.image}}{{"\\n"}}{{end}}', "nginx=nginx\nlog=busybox\n"),
    ("{{range $k, $v := .metadata.labels}}{{$k}}:{{$v}};{{end}}", "app:web;tier:front;"),  # keys in order
    ("{{range $i, $c := .spec.template.spec.containers}}{{$i}}{{$c.name}} {{end}}", "0nginx 1log "),
    ("{{range .spec.missing}}x{{else}}none{{end}} {{with .spec.missing}}y{{else}}no{{end}} {{with .kind}}{{.}}{{end}}",
     "none no Deployment"),
    ("{{if eq .spec.replicas 2}}two{{else if eq .spec.replicas 3}}three{{else}}other{{end}}", "two"),
    ('{{if and .kind .spec.missing}}a{{else if or .spec.missing 0 "z"}}{{or .spec.missing 0 "z"}}{{end}}', "z"),
    ('{{not .kind}} {{and 1 0 2}} {{ne .kind "Pod"}} {{lt 1 2}} {{eq .kind "Pod" "Deployment"}}',
     "false 0 true true true"),
    ('{{index .metadata.labels "nope"}}|{{index .metadata "labels" "app"}}|{{index .kind 0}}|{{len .kind}}',
     "<no value>|web|68|10"),
    ("{{(index .spec.template.spec.containers 1).name}}", "log"),
    ('{{.metadata.labels.app | printf "%s-%s" "x"}} {{"a" | len}}', "x-web 1"),
    ("{{ 1000000 }} {{ 1.5e6 }} {{ 0x10 }} {{ 1e3 }} {{ `raw\\n` }} {{ 2.50 }} {{ -3 }} {{ true }}",
     "1000000 1.5e+06 16 1000 raw\\n 2.5 -3 true"),
    ("{{$n := .metadata.name}}{{range .spec.template.spec.containers}}{{$n}}/{{.name}}:{{$.kind}} {{end}}",
     "web/nginx:Deployment web/log:Deployment "),
    ("a {{- /* a comment */ -}} b {{- 3 -}} c", "ab3c"),
    ('{{print 1 2 "a" "b" 3 .kind}}|{{println 1 "x"}}|', "1 2ab3Deployment|1 x\n|"),
    ('{{printf "%s" .spec.replicas}} {{printf "%d" .kind}} {{printf "%d"}} {{printf "a" 1}}',
     "%!s(int64=2) %!d(string=Deployment) %!d(MISSING) a%!(EXTRA int=1)"),
    ('{{printf "%s|%v|%d" .spec.missing .spec.missing .spec.missing}} {{print .spec.missing}}',
     "%!s(<nil>)|<nil>|%!d(<nil>) <nil>"),
    ("{{.metadata.labels}} {{.spec.template.spec.containers}}",
     "map[app:web tier:front] [map[image:nginx name:nginx] map[image:busybox name:log]]"),
    ('{{.data.password | base64decode}} {{exists . "data" "password"}} {{exists . "nope"}}', "hunter2 true false"),
    ('{{html "<a>"}} {{js "a<b"}} {{urlquery "a b"}} {{slice "abcdef" 1 3}}', "&lt;a&gt; a\\u003Cb a+b bc"),
    ("{{range .spec.template.spec.containers}}{{break}}{{end}}{{range $i, $e := .spec.template.spec.containers}}"
     "{{if eq $i 0}}{{continue}}{{end}}{{$e.name}}{{end}}", "log"),
    ("{{$y := 1}}{{$y = 2}}{{$y}}", "2"),
])
def test_templates(template: str, text: str) -> None:
    assert execute(template, parse(template), DEPLOY) == (text, None)


@pytest.mark.parametrize(("template", "error"), [
    ("{{range .items}}", "template: output:1: unexpected EOF"),
    ("{{end}}", "template: output:1: unexpected {{end}}"),
    ("{{foo .kind}}", 'template: output:1: function "foo" not defined'),
    ("{{.kind}", "template: output:1: bad character U+007D '}'"),
    ("{{ .kind }", 'template: output:1: unexpected "}" in operand'),  # the parser gets there before the lexer's EOF
    ("{{ if }}", "template: output:1: missing value for if"),
    ("{{ .kind ", "template: output:1: unclosed action"),
    ('{{ "abc }}', "template: output:1: unterminated quoted string"),
    ("{{break}}", "template: output:1: {{break}} outside {{range}}"),
    ("{{$x}}", 'template: output:1: undefined variable "$x"'),
    ("{{ ( .kind }}", "template: output:1: unclosed left paren"),
    ("{{ 3x }}", 'template: output:1: bad number syntax: "3x"'),
    ('{{ .kind | "x" }}', "template: output:1: non executable command in pipeline stage 2"),
    ("a\n{{if .kind}}a{{else}}b{{else}}c{{end}}", "template: output:2: expected end; found {{else}}"),
])
def test_parse_errors(template: str, error: str) -> None:
    with pytest.raises(TemplateError) as raised:
        parse(template)
    assert str(raised.value) == error


@pytest.mark.parametrize(("template", "done", "error"), [
    ("{{.metadata.name.x}}", "",
     'output:1:11: executing "output" at <.metadata.name.x>: can\'t evaluate field x in type interface {}'),
    ("{{$x := .metadata.name}}{{$x.foo}}", "",
     'output:1:28: executing "output" at <$x.foo>: can\'t evaluate field foo in type string'),
    ("{{if eq .spec.replicas 2.0}}two{{end}}", "",  # JSON's integers are int64, 2.0 a float64
     'output:1:5: executing "output" at <eq .spec.replicas 2.0>: error calling eq: incompatible types for comparison'),
    ("{{.kind}} {{index .spec.template.spec.containers 5}}", "Deployment ",
     'output:1:12: executing "output" at <index .spec.template.spec.containers 5>: error calling index: '
     "index out of range: 5"),
    ("{{range .kind}}x{{end}}", "", 'output:1:8: executing "output" at <.kind>: range can\'t iterate over Deployment'),
    ("{{ .Kind }}{{ .kind 1 }}", "<no value>",
     'output:1:14: executing "output" at <.kind>: kind is not a method but has arguments'),
    ("{{len .spec.missing}}", "", 'output:1:2: executing "output" at <len .spec.missing>: error calling len: '
     "reflect: call of reflect.Value.Type on zero Value"),
    ("{{lt .spec.missing 1}}", "",
     'output:1:2: executing "output" at <lt .spec.missing 1>: error calling lt: invalid type for comparison'),
    ("{{ nil }}", "", 'output:1:3: executing "output" at <nil>: nil is not a command'),
    ("{{ (.metadata.name).foo }}", "",
     'output:1:13: executing "output" at <.metadata.name>: can\'t evaluate field foo in type string'),
])
def test_execution_errors_say_where(template: str, done: str, error: str) -> None:
    text, raised = execute(template, parse(template), DEPLOY)
    assert (text, str(raised)) == (done, f"template: {error}")


def test_a_failed_template_prints_what_it_made_then_kubectls_debugging_help() -> None:
    with pytest.raises(PrintError) as raised:
        render('{{.kind}} {{.kind.x}}', {"kind": "Pod", "n": 1, "m": {"a": "<b>"}})
    assert str(raised.value) == (
        "Pod Error executing template: template: output:1:17: executing \"output\" at <.kind.x>: can't evaluate field "
        "x in type interface {}. Printing more information for debugging the template:\n"
        "\ttemplate was:\n\t\t{{.kind}} {{.kind.x}}\n"
        '\traw data was:\n\t\t{"kind":"Pod","m":{"a":"\\u003cb\\u003e"},"n":1}\n'
        "\tobject given to template engine was:\n\t\tmap[kind:Pod m:map[a:<b>] n:1]\n\n"
        'error: error executing template "{{.kind}} {{.kind.x}}": template: output:1:17: executing "output" at '
        "<.kind.x>: can't evaluate field x in type interface {}")


@pytest.mark.parametrize(("value", "text"), [(1.5e6, "1.5e+06"), (1000.0, "1000"), (2.0, "2"), (0.0001, "0.0001"),
                                              (0.00001, "1e-05"), (-123456789.0, "-1.23456789e+08"), (2.5, "2.5")])
def test_floats_print_as_go_prints_them(value: float, text: str) -> None:
    assert go_float(value) == text


def test_printf_pads_and_formats_as_go() -> None:
    assert sprintf("%x %X %o %c %U %e %08.3f %+d %5s|%-5d|%.3s", [255, 255, 8, 65, 65, 1234.5678, 3.14159, 5, "ab",
                                                                 3, "abcdef"]) == \
        "ff FF 10 A U+0041 1.234568e+03 0003.142 +5    ab|3    |abc"


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    c = Cluster(nodes=2)
    c.kubectl("create deployment web --image=nginx --replicas=2")
    c.kubectl("expose deployment web --port=80 --type=NodePort")
    c.run(30)
    return c


def test_the_basics_tutorials_templates(cluster: Cluster) -> None:
    names = sorted(p.name for p in cluster.api.list("pods"))
    tutorial = """get pods -o go-template --template '{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'"""
    assert cluster.kubectl(tutorial) == "".join(f"{n}\n" for n in names)
    port = cluster.api.get("services", "web").spec.ports[0].node_port
    assert cluster.kubectl("get services/web -o go-template='{{(index .spec.ports 0).nodePort}}'") == str(port)
    assert cluster.kubectl("get deploy web --template={{.kind}}") == "Deployment"  # --template alone: Go
    assert cluster.kubectl("get deploy,svc web -o template={{.kind}}") == "List"


def test_template_flags_and_files(cluster: Cluster, tmp_path: Path) -> None:
    (tmp_path / "t.tmpl").write_text("{{.kind}}\n")
    (tmp_path / "cols.txt").write_text("NAME  TYPE\n.metadata.name .spec.type\n")
    assert cluster.kubectl(f"get svc web -o go-template-file={tmp_path}/t.tmpl") == "Service\n"
    assert cluster.kubectl(f"get svc web -o templatefile={tmp_path}/t.tmpl") == "Service\n"
    assert cluster.kubectl(f"get svc web -o custom-columns-file={tmp_path}/cols.txt") == \
        "NAME   TYPE\nweb    NodePort\n"
    assert cluster.kubectl("get svc web -o jsonpath --template={.spec.type}") == "NodePort"
    assert cluster.kubectl("get deploy web -o jsonpath-as-json={.spec.replicas}") == "[\n    2\n]\n"
    assert cluster.kubectl("get deploy web -o go-template") == \
        "error: template format specified but no template given\n"
    assert cluster.kubectl("get deploy web -o go-template-file=/nonexistent") == \
        "error: error reading --template /nonexistent, open /nonexistent: no such file or directory\n"
    assert cluster.kubectl("get deploy web -o go-template={{end}}") == \
        "error: error parsing template {{end}}, template: output:1: unexpected {{end}}\n"


def test_a_name_not_found_prints_only_the_error(cluster: Cluster) -> None:
    assert cluster.kubectl("get svc nope -o go-template={{.kind}}") == \
        'Error from server (NotFound): services "nope" not found\n'
    assert cluster.kubectl("get svc nope -o json") == 'Error from server (NotFound): services "nope" not found\n'
