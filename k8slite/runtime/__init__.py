"""Container runtimes, shaped like the Kubernetes CRI: the fake one that simulates
containers on the virtual clock, and (later) real ones.

This package's __init__ stays small; import the parts you need from its modules.
"""
