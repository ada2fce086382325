"""Other answers to chapter 02's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "02.1": """
with gzip.open(io.BytesIO(blob)) as unzipped:
    tar = unzipped.read()
return f"sha256:{hashlib.sha256(blob).hexdigest()}", f"sha256:{hashlib.sha256(tar).hexdigest()}"
""",
    "02.2": '''
dockerfile = """FROM busybox
COPY site/ /www/
WORKDIR /www
ENV PORT=8080
RUN echo "1.0" > /www/version.txt
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
"""
''',
    "02.3": """
path = path.lstrip("/")
for number in range(len(blobs) - 1, -1, -1):
    changes = read_layer(blobs[number])
    if path in changes.files:
        return number
    if any(path == gone or path.startswith(gone + "/") for gone in changes.deleted):
        return None
return None
""",
    "02.4": """
by_reason = {e.reason: e for e in events}
if "ErrImageNeverPull" in by_reason:
    return "not on node, pull policy Never"
pull_errors = [e.message for e in events if e.type == "Warning" and "Failed to pull image" in e.message]
if pull_errors:
    words = pull_errors[-1]
    for clue, cause in [("connection refused", "registry down"), ("no such host", "unknown registry host"),
                        ("pull access denied", "repository not found"), ("not found", "tag not found")]:
        if clue in words:
            return cause
if any(e.reason == "BackOff" and "restarting" in e.message for e in events):
    return "container crashing"
if "Started" in by_reason:
    return "container crashing" if by_reason["Started"].count > 1 else "running"
return "still pulling"
""",
}

WRONG = {
    "02.1": [
        ("the hex alone, without 'sha256:'", """
return hashlib.sha256(blob).hexdigest(), hashlib.sha256(gzip.decompress(blob)).hexdigest()
"""),
        ("both hashes of the gzipped blob", """
digest = "sha256:" + hashlib.sha256(blob).hexdigest()
return digest, digest
"""),
        ("digest and diff_id swapped", """
return ("sha256:" + hashlib.sha256(gzip.decompress(blob)).hexdigest(),
        "sha256:" + hashlib.sha256(blob).hexdigest())
"""),
    ],
    "02.2": [
        ("the key copied in for the build and deleted in the same RUN: its COPY layer keeps it", '''
dockerfile = """FROM busybox
ENV PORT=8080
WORKDIR /www
COPY site/ .
COPY notes/secret-api-key.txt /tmp/key
RUN cat /tmp/key > /dev/null && echo 1.0 > version.txt && rm /tmp/key
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
"""
'''),
        ("two named pages instead of the whole site folder", '''
dockerfile = """FROM busybox
ENV PORT=8080
WORKDIR /www
COPY site/index.html site/about.html ./
RUN echo 1.0 > version.txt
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
"""
'''),
        ("CMD in shell form: the config says /bin/sh -c ...", '''
dockerfile = """FROM busybox
ENV PORT=8080
WORKDIR /www
COPY site/ .
RUN echo 1.0 > version.txt
CMD httpd -f -p 8080 -h /www
"""
'''),
        ("one RUN per file: too many layers", '''
dockerfile = """FROM busybox
ENV PORT=8080
WORKDIR /www
COPY site/ .
RUN echo 1.0 > version.txt
RUN touch version.txt
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
"""
'''),
    ],
    "02.3": [
        ("the first layer that wrote the file, not the last", """
path = path.strip("/")
for number, blob in enumerate(blobs):
    if path in read_layer(blob).files:
        return number
return None
"""),
        ("whiteouts ignored", """
path = path.strip("/")
found = None
for number, blob in enumerate(blobs):
    if path in read_layer(blob).files:
        found = number
return found
"""),
        ("a whiteout of the file itself only, not of a folder above it", """
path = path.strip("/")
found = None
for number, blob in enumerate(blobs):
    changes = read_layer(blob)
    if path in changes.files:
        found = number
    elif path in changes.deleted:
        found = None
return found
"""),
    ],
    "02.4": [
        ("every BackOff taken for an image back-off", """
reasons = [e.reason for e in events]
if "ErrImageNeverPull" in reasons:
    return "not on node, pull policy Never"
failed = " ".join(e.message for e in events if e.message.startswith("Failed to pull image"))
if "connection refused" in failed:
    return "registry down"
if "no such host" in failed:
    return "unknown registry host"
if "pull access denied" in failed:
    return "repository not found"
if "not found" in failed or "BackOff" in reasons:
    return "tag not found"
if any(e.reason == "Started" and e.count > 1 for e in events):
    return "container crashing"
return "running" if "Started" in reasons else "still pulling"
"""),
        ("a pull that has not finished taken for a failed one", """
reasons = [e.reason for e in events]
if "ErrImageNeverPull" in reasons:
    return "not on node, pull policy Never"
failed = " ".join(e.message for e in events if e.message.startswith("Failed to pull image"))
for clue, cause in [("connection refused", "registry down"), ("no such host", "unknown registry host"),
                    ("pull access denied", "repository not found"), ("not found", "tag not found")]:
    if clue in failed:
        return cause
if "Pulled" not in reasons:
    return "tag not found"
crashed = any(e.reason == "BackOff" for e in events) or any(e.reason == "Started" and e.count > 1 for e in events)
return "container crashing" if crashed else "running"
"""),
        ("every pull error read as a missing tag", """
reasons = [e.reason for e in events]
if "ErrImageNeverPull" in reasons:
    return "not on node, pull policy Never"
if any(e.message.startswith("Failed to pull image") for e in events):
    return "tag not found"
if any(e.reason == "BackOff" for e in events) or any(e.reason == "Started" and e.count > 1 for e in events):
    return "container crashing"
return "running" if "Started" in reasons else "still pulling"
"""),
    ],
}
