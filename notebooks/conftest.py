"""`pytest --nbval notebooks`: the kernels nbval starts inherit this process's environment.

K8SLITE_PROGRESS=0 keeps `c.run` from ever showing a progress bar (k8slite/progress.py), so a slow
machine cannot add one to an output that nbval compares with the stored one.
"""

import os

os.environ["K8SLITE_PROGRESS"] = "0"
