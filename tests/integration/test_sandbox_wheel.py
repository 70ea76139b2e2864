"""The sandbox installs on its own: `python -m build` makes a wheel and an sdist of sandbox/, and the
wheel installed into a fresh venv (no repository on its path) gives a `portaplus-sandbox` command
and a pytest plugin that pass the seed-replay tests (sandbox/tests/test_seed_samples.py: each
seed page's request, sent as the page shows it, answered in the page's format).

The fresh venv installs from a local wheel directory only (--no-index): .build/wheelhouse holds
werkzeug and pytest with their dependencies, fetched once by `pip wheel` and kept for later runs.
"""
import glob
import os
import shutil
import subprocess
import sys
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WHEELHOUSE = os.path.join(REPO, ".build", "wheelhouse")
# What the fresh venv needs besides the sandbox's wheel: its dependency, and pytest for the replay.
NEEDED = ["werkzeug>=3.0,<4", "pytest>=8,<10"]


def run(command, **kwargs):
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
                          check=False, **kwargs)
    shown = " ".join(command)
    assert proc.returncode == 0, "%s\n--- rc %d\n%s\n%s" % (shown, proc.returncode, proc.stdout, proc.stderr)
    return proc


def test_the_sandbox_wheel_installs_alone_and_serves_the_seed_replay(tmp_path):
    # Build from a copy, so setuptools' build/ and egg-info never land in the checkout.
    source = tmp_path / "sandbox"
    shutil.copytree(os.path.join(REPO, "sandbox"), str(source),
                    ignore=shutil.ignore_patterns("*.egg-info", "__pycache__", "build", "dist"))
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)])
    (wheel,) = glob.glob(str(dist / "portaplus_sandbox-*.whl"))
    assert glob.glob(str(dist / "portaplus_sandbox-*.tar.gz")), os.listdir(str(dist))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "portaplus_sandbox/cli.py" in names and not [name for name in names if name.startswith("tests/")], names

    if not os.path.isdir(WHEELHOUSE) or not glob.glob(os.path.join(WHEELHOUSE, "[Ww]erkzeug-*.whl")):
        run([sys.executable, "-m", "pip", "wheel", "-q", "--wheel-dir", WHEELHOUSE] + NEEDED)

    # A venv without pip of its own (ensurepip would cost more CPU than the rest of the test): this
    # pip installs into it (--python), still from the local wheels only.
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = str(venv / "bin" / "python")
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-index", "--find-links", WHEELHOUSE,
         wheel] + NEEDED)

    # The command works from anywhere, with the repository nowhere on the path.
    help_text = run([str(venv / "bin" / "portaplus-sandbox"), "--help"], cwd=str(tmp_path)).stdout
    assert "serve" in help_text and "run" in help_text, help_text

    # The seed-replay tests, against the installed package: only the tests and the seed pages are
    # copied (sandbox_helpers finds the pages beside the tests), not the package's source.
    replay = tmp_path / "replay"
    shutil.copytree(os.path.join(REPO, "sandbox", "tests"), str(replay / "tests"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(os.path.join(REPO, "sandbox", "reference"), str(replay / "reference"))
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "--rootdir", str(replay),
                str(replay / "tests" / "test_seed_samples.py")], cwd=str(replay / "tests"), env=env)
    location = run([python, "-c", "import portaplus_sandbox; print(portaplus_sandbox.__file__)"],
                   cwd=str(tmp_path), env=env).stdout
    assert location.startswith(str(venv)), location
    assert " passed" in proc.stdout and "failed" not in proc.stdout, proc.stdout
