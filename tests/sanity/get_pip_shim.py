"""Offline stand-in for the get-pip script ansible-test downloads (its host is unreachable here).

ansible-test runs it as `python get_pip.py [pip args]` to bootstrap pip in the virtual
environments of its sanity tests. We bootstrap with the interpreter's own ensurepip and then
let pip install what was asked, minus the two get-pip-only flags pip itself does not know.
"""
import subprocess
import sys

GET_PIP_ONLY_FLAGS = {"--no-setuptools", "--no-wheel"}

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]
if args:
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
