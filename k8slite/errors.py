"""The errors a user can cause, named after Kubernetes' status reasons.

Mirrors k8s.io/apimachinery/pkg/api/errors: every failure the API server
reports has a reason (NotFound, AlreadyExists, Conflict, Invalid, Forbidden,
Expired) and an HTTP code, and the message reads as Kubernetes' does, so that
what a learner sees here is what `kubectl` would print. k8slite raises them
as Python exceptions instead of returning Status objects.
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


class Forbidden(ApiError):
    """403: admission refused the request (quota, a namespace being deleted)."""

    reason = "Forbidden"
    code = 403


class Expired(ApiError):
    """410: a watch asked for history the store no longer keeps."""

    reason = "Expired"
    code = 410


Gone = Expired


class FieldError:
    """One field's problem, as apimachinery's field.Error prints it."""

    def __init__(self, path: str, kind: str, detail: str = "", value: object = None) -> None:
        self.path, self.kind, self.detail, self.value = path, kind, detail, value

    def __str__(self) -> str:
        if self.kind == "Invalid value":
            shown = f'"{self.value}"' if isinstance(self.value, str) else str(self.value)
            text = f"{self.path}: Invalid value: {shown}"
        else:
            text = f"{self.path}: {self.kind}"
        return f"{text}: {self.detail}" if self.detail else text


def required(path: str) -> FieldError:
    return FieldError(path, "Required value")


def invalid(path: str, value: object, detail: str) -> FieldError:
    return FieldError(path, "Invalid value", detail, value)


def unsupported(path: str, value: object, allowed: list[str]) -> FieldError:
    quoted = ", ".join(f'"{a}"' for a in allowed)
    return FieldError(path, "Unsupported value", f'"{value}": supported values: {quoted}')


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(path, "Forbidden", detail)


def invalid_object(kind: str, name: str, errors: list[FieldError]) -> Invalid:
    """`Pod "x" is invalid: spec.containers[0].image: Required value`, as Kubernetes words it."""
    if len(errors) == 1:
        detail = str(errors[0])
    else:
        detail = "[" + ", ".join(str(e) for e in errors) + "]"
    return Invalid(f'{kind} "{name}" is invalid: {detail}')
