"""The errors a user can cause, named after Kubernetes' status reasons.

Mirrors k8s.io/apimachinery/pkg/api/errors: every failure the API server
reports has a reason (NotFound, AlreadyExists, Conflict, Invalid, Forbidden,
Expired) and an HTTP code, and the message reads as Kubernetes' does, so that
what a learner sees here is what `kubectl` would print. k8slite raises them
as Python exceptions instead of returning Status objects.

Messages name the resource with its group, as the server's qualified
resource does (`deployments.apps "d" not found`, `Deployment.apps "d" is
invalid: ...`); the core group adds nothing (`pods "p" not found`). A field
error prints its bad value as field.Error does (field/errors.go): strings in
Go's double quotes, numbers and booleans bare, nothing as `null`.
"""

from __future__ import annotations


class ApiError(Exception):
    """A request the API server refused. `reason` and `code` are Kubernetes'."""

    reason = "InternalError"
    code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ApiError):
    """404: `pods "web" not found`."""

    reason = "NotFound"
    code = 404


class AlreadyExists(ApiError):
    """409: `pods "web" already exists`."""

    reason = "AlreadyExists"
    code = 409


class Conflict(ApiError):
    """409: an update based on an old resourceVersion."""

    reason = "Conflict"
    code = 409


class Invalid(ApiError):
    """422: the object failed validation; the message names the field paths."""

    reason = "Invalid"
    code = 422


class BadRequest(Invalid):
    """400: the body could not be decoded (`Pod in version "v1" cannot be handled as a Pod: ...`).

    A kind of Invalid here, so that code catching Invalid for any refused manifest keeps working."""

    reason = "BadRequest"
    code = 400


class Unauthorized(ApiError):
    """401: no bearer token, or not the right one (the HTTP server's authentication, server/handler.py)."""

    reason = "Unauthorized"
    code = 401


class MethodNotAllowed(ApiError):
    """405: a method the resource does not serve (POST to a named object ...)."""

    reason = "MethodNotAllowed"
    code = 405


class Forbidden(ApiError):
    """403: admission refused the request (quota, a namespace being deleted)."""

    reason = "Forbidden"
    code = 403


class Expired(ApiError):
    """410: a watch asked for history the store no longer keeps."""

    reason = "Expired"
    code = 410


Gone = Expired


class Aggregate:
    """Errors gathered while going on (apimachinery's utilerrors.Aggregate), for a sync that must not
    stop at the first refused write: `with errors:` around each write swallows an ApiError and keeps
    it, and `errors.raise_first()` at the end raises the first, so the work queue retries the key."""

    def __init__(self) -> None:
        self.errors: list[ApiError] = []

    def __enter__(self) -> Aggregate:
        return self

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> bool:
        if isinstance(error, ApiError):
            self.errors.append(error)
            return True
        return False

    def raise_first(self) -> None:
        if self.errors:
            raise self.errors[0]


OMIT = object()
"""field.OmitValueType: an error that shows no value."""
VALUELESS = ("Required value", "Forbidden", "Too long", "Internal error")


class FieldError:
    """One field's problem, as apimachinery's field.Error prints it."""

    def __init__(self, path: str, kind: str, detail: str = "", value: object = OMIT) -> None:
        self.path, self.kind, self.detail, self.value = path, kind, detail, value

    def __str__(self) -> str:
        """field.Error.Error(): `path: Type: value: detail`; Required and Forbidden show no value."""
        if self.kind in VALUELESS or self.value is OMIT:
            text = f"{self.path}: {self.kind}"
        else:
            text = f"{self.path}: {self.kind}: {go_value(self.value)}"
        return f"{text}: {self.detail}" if self.detail else text


def go_value(value: object) -> str:
    """How field.Error prints a bad value: %q for strings, %v for numbers and booleans, null for nil."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, list):  # %#v of a []string
        return "[]string{" + ", ".join(go_quote(str(v)) for v in value) + "}"
    if isinstance(value, dict):  # %#v of a map[string]string: keys sorted
        pairs = (f"{go_quote(str(k))}:{go_quote(str(v))}" for k, v in sorted(value.items()))
        return "map[string]string{" + ", ".join(pairs) + "}"
    return str(value)


def go_quote(text: str) -> str:
    """strconv.Quote: double quotes, with backslash escapes for quotes, backslashes and control characters."""
    escapes = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a", "\b": "\\b",
               "\f": "\\f", "\v": "\\v"}
    body = "".join(escapes.get(ch) or (ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else
                                       f"\\u{ord(ch):04x}") for ch in text)
    return f'"{body}"'


def required(path: str) -> FieldError:
    return FieldError(path, "Required value")


def invalid(path: str, value: object, detail: str) -> FieldError:
    return FieldError(path, "Invalid value", detail, value)


def unsupported(path: str, value: object, allowed: list[str]) -> FieldError:
    quoted = ", ".join(f'"{a}"' for a in allowed)
    return FieldError(path, "Unsupported value", f"supported values: {quoted}", value)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(path, "Forbidden", detail)


def not_found(resource: str, name: str) -> NotFound:
    """NewNotFound: `deployments.apps "web" not found` (resource: the kind's group-qualified resource)."""
    return NotFound(f'{resource} "{name}" not found')


def already_exists(resource: str, name: str) -> AlreadyExists:
    """NewAlreadyExists: `deployments.apps "web" already exists`."""
    return AlreadyExists(f'{resource} "{name}" already exists')


def conflict(resource: str, name: str) -> Conflict:
    """NewConflict with registry.OptimisticLockErrorMsg: an update from a stale resourceVersion."""
    return Conflict(f'Operation cannot be fulfilled on {resource} "{name}": the object has been modified; '
                    "please apply your changes to the latest version and try again")


def invalid_object(kind: str, name: str, errors: list[FieldError]) -> Invalid:
    """`Pod "x" is invalid: spec.containers[0].image: Required value`; kind is group-qualified (`Deployment.apps`)."""
    if len(errors) == 1:
        detail = str(errors[0])
    else:
        detail = "[" + ", ".join(str(e) for e in errors) + "]"
    return Invalid(f'{kind} "{name}" is invalid: {detail}')


def dial_tcp(address: str, reason: object) -> str:
    """A failed dial as Go's net package words it: `dial tcp 10.244.1.5:8080: connect: connection refused`.

    `reason` is the OS error (or Go's words for it): the connect system call's errors read `connect: <errno's
    text>`, lowercase as Go's; a dial deadline that ran out reads `i/o timeout`, without `connect:`."""
    if isinstance(reason, TimeoutError):  # socket.timeout is TimeoutError
        return f"dial tcp {address}: i/o timeout"
    if isinstance(reason, ConnectionRefusedError) or "Connection refused" in str(reason):
        said = "connection refused"
    elif isinstance(reason, OSError) and reason.strerror:
        said = reason.strerror[:1].lower() + reason.strerror[1:]
    else:
        said = str(reason)
    return f"dial tcp {address}: connect: {said}"
