"""Shared setup for the kernel's Python tests: the fcall kernelspec installed into a temporary
JUPYTER_PATH (never the user's data dir). run.sh does the install and exports JUPYTER_PATH and
FCALL_KERNEL_NAME; this module only checks that it happened."""
import os

KERNEL_NAME = os.environ.get("FCALL_KERNEL_NAME", "fcall-test")

def check_env():
    jp = os.environ.get("JUPYTER_PATH")
    assert jp and os.path.exists(os.path.join(jp, "kernels", KERNEL_NAME, "kernel.json")), (
        "run kernel/tests/run.sh: it installs the kernelspec into a temporary JUPYTER_PATH")
