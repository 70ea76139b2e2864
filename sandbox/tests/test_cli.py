"""The command line: start-up line, signals, seeds and generators, CLI fault options."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from portaplus_sandbox.testing import SandboxServer

from sandbox_helpers import LICENSE, Client


def start(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "portaplus_sandbox", "serve", "--port",
                                "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    return process, process.stdout.readline()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_first_line_and_clean_stop(signum):
    process, first = start()
    try:
        assert re.fullmatch(r"listening on http://127\.0\.0\.1:\d{2,5}\n", first)
        url = first.split()[-1]
        assert Client(url).get(f"/GetProducts/{LICENSE}").status == 200
        process.send_signal(signum)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("portaplus-sandbox")
    result = subprocess.run([str(script), "serve", "--help"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 0 and "--fault-kinds" in result.stdout


def test_empty_seed_with_generated_accounts_and_cdrs(tmp_path):
    db = tmp_path / "sandbox.sqlite"
    with SandboxServer(seed="empty", db_path=str(db),
                       extra_args=["--accounts", "3", "--cdrs", "50"]) as server:
        client = Client(server.url)
        accounts = client.get(f"/GetAccounts/{LICENSE}/1001").json()["Accounts"]
        assert [a["AccountId"] for a in accounts] == ["441632970001", "441632970002",
                                                      "441632970003"]
        assert client.get(f"/GetAccounts/{LICENSE}/1002").json()["Accounts"] == []
        assert client.get(f"/GetCustomerExtensions/{LICENSE}/1001").json()["ExtensionLst"] == []
        products = client.get(f"/GetProducts/{LICENSE}").json()["PortaProducts"]
        assert len(products) == 6
        cdrs = client.get(f"/getCustomerAccountCDRS/{LICENSE}/1001/2000-01-01/2100-01-01/true")
        assert cdrs.json()["TotalCalls"] == 50
        assert db.exists()


def test_cli_fault_options_are_reproducible():
    args = ["--fault-rate", "0.5", "--fault-kinds", "500,503", "--random-seed", "9"]
    sequences = []
    for _ in range(2):
        with SandboxServer(extra_args=args) as server:
            client = Client(server.url)
            sequences.append([client.get(f"/GetProducts/{LICENSE}").status for _ in range(20)])
    assert sequences[0] == sequences[1]
    assert {200, 500, 503} <= set(sequences[0])


def test_bad_option_fails_fast():
    result = subprocess.run([sys.executable, "-m", "portaplus_sandbox", "serve",
                             "--fault-kinds", "explode"], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2 and "explode" in result.stderr


def test_run_wraps_a_command():
    probe = ("import os, sys, urllib.request; url = os.environ['PORTAPLUS_URL']; "
             "lic = os.environ['PORTAPLUS_LICENSE']; "
             "urllib.request.urlopen(f'{url}/GetProducts/{lic}').read(); sys.exit(7)")
    result = subprocess.run([sys.executable, "-m", "portaplus_sandbox", "run", "--seed", "empty",
                             "--", sys.executable, "-c", probe],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 7, result.stderr
    assert result.stdout.startswith("listening on http://127.0.0.1:")


def test_port_in_use_fails_fast():
    with SandboxServer() as server:
        port = server.url.rsplit(":", 1)[1]
        result = subprocess.run([sys.executable, "-m", "portaplus_sandbox", "serve", "--port",
                                 port], capture_output=True, text=True, timeout=30)
        assert result.returncode != 0 and "in use" in result.stderr


def test_log_requests_masks_the_license_in_paths_and_queries():
    with SandboxServer(extra_args=["--log-requests"]) as server:
        client = Client(server.url)
        client.get(f"/GetAccounts/{LICENSE}/1001")
        client.get("/GetAccounts/UNKNOWN-LIC-99/1001")
        client.get(f"/json/reply/GetProducts?License={LICENSE}")
        server.stop()
        log = server.stderr_text()
    assert "GetAccounts/***/1001" in log and "License=***" in log
    assert LICENSE not in log and "UNKNOWN-LIC-99" not in log
