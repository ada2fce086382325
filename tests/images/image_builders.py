"""Dockerfiles the image tests build."""

HELLO = 'FROM busybox\nRUN mkdir /app && echo hello > /app/greeting\nCMD ["cat", "/app/greeting"]\n'
"""hello:latest: busybox's layer, one RUN layer, and a CMD."""
