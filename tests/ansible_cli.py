"""Running the real Ansible command-line tools with this collection against a sandbox, as a
user would: the environment of a run, the one harness every suite runs them with (`Ansible`),
and how to read what the tools print.

The integration tests (`play`, `run_playbook`), the reliability suite (`ansible`) and the
benchmarks (`benchmarks/`, with the checkout on sys.path) all run ansible-playbook and
ansible-inventory through this module, so they check and measure the same kind of run.
"""
import json
import os
import re
import subprocess
import sys
import textwrap

import yaml

from tests.collection_path import ensure

DEMO_LICENSE = "DEMO-LICENSE"
BIN = os.path.dirname(sys.executable)
CALLBACK_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")
RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)", re.M)


def playbook_env(url, extra=None, license=DEMO_LICENSE):
    """The environment of a user's ansible-playbook run against the sandbox at `url`: this
    collection on the collections path, this interpreter for modules, no colour or
    localhost warnings in the output, and the connection options in PORTAPLUS_* (none when
    `url` is None: the run starts its own sandbox)."""
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": ensure(),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "false",
    })
    if url is not None:
        env.update({"PORTAPLUS_URL": url, "PORTAPLUS_LICENSE": license})
    env.update(extra or {})
    return env


def play_text(tasks, vars_text="", vars_data=None):
    """A playbook of one play on the implicit localhost running `tasks` (YAML text)."""
    text = "- hosts: localhost\n  gather_facts: false\n  connection: local\n"
    if vars_data is not None:
        text += "  vars: %s\n" % json.dumps(vars_data)
    elif vars_text:
        text += "  vars:\n" + textwrap.indent(textwrap.dedent(vars_text), "    ")
    return text + "  tasks:\n" + textwrap.indent(textwrap.dedent(tasks), "    ")


def during(requests, result, *names):
    """The requests (the sandbox's log) sent while one of the named tasks ran: the callback records when each task
    started and ended, so one run of several steps tells which step sent what."""
    windows = [(t["start"], t["end"]) for t in result.tasks if t["task"] in names]
    assert windows and all(start for start, _end in windows), (names, [t["task"] for t in result.tasks])
    return [r for r in requests if any(start <= r["at"] <= end for start, end in windows)]


def copies(tasks_text, suffix, **keywords):
    """The tasks again, each name followed by `suffix`, with task keywords added (check_mode: true...)."""
    tasks = yaml.safe_load(tasks_text)
    return yaml.safe_dump([dict(t, name=t["name"] + suffix, **keywords) for t in tasks], sort_keys=False,
                          allow_unicode=True, width=1000)


def names(tasks_text):
    return [t["name"] for t in yaml.safe_load(tasks_text)]


def task_output(stdout, *names):
    """What ansible-playbook printed for the named tasks (from each one's TASK line to the next)."""
    parts = re.split(r"^(?=TASK \[|PLAY RECAP)", stdout, flags=re.M)
    return "".join(p for p in parts if any(p.startswith("TASK [%s]" % name) for name in names))


class Run:
    """A finished ansible-playbook / ansible-inventory run: exit code, output, the task results
    the record_results callback wrote (one dict per task and host), the run's folder."""

    def __init__(self, command, rc, stdout, stderr, tasks, files):
        self.command = command
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.tasks = tasks
        self.files = files

    @property
    def output(self):
        return self.stdout + self.stderr

    @property
    def recap(self):
        """PLAY RECAP counters by host: {"localhost": {"ok": 2, "changed": 1, ...}}."""
        return dict((host, {"ok": int(ok), "changed": int(changed), "unreachable": int(unreachable),
                            "failed": int(failed), "skipped": int(skipped)})
                    for host, ok, changed, unreachable, failed, skipped in RECAP.findall(self.stdout))

    def by_name(self, name):
        return [t for t in self.tasks if t["task"] == name]

    def record(self, name):
        """The callback's record of the last task called `name` (task, host, result, counters...)."""
        matches = self.by_name(name)
        assert matches, "no task %r in %s\n%s" % (name, [t["task"] for t in self.tasks], self.output[-3000:])
        return matches[-1]

    def result(self, name):
        """The result of the last task called `name`."""
        return self.record(name)["result"]

    def everything(self):
        """All a user could see of the run: output and every recorded result."""
        return self.output + json.dumps(self.tasks, ensure_ascii=False)


class Ansible:
    """Runs ansible-playbook / ansible-inventory with this collection against the sandbox at `url`.

    Each run gets a folder of its own under `tmp` (playbook, extra files, results, Ansible's
    temp and home), its output is kept beside it for a person debugging, and the record_results
    callback writes every task result; with `counters` the callback also reads the sandbox's
    request counters after each task (one admin request per task), so a bulk playbook tells
    which case wrote.
    """

    def __init__(self, url, tmp, counters=False, run_class=Run):
        self.url = url
        self.tmp = tmp
        self.counters = counters
        self.run_class = run_class
        self.count = 0

    def env(self, license=DEMO_LICENSE, extra=None):
        """The run's environment; license=None (or a None in `extra`) leaves that variable out,
        even where the caller's environment has it."""
        env = playbook_env(self.url, license=license, extra={
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACK_PLUGINS,
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_LOCAL_TEMP": str(self.tmp / "ansible-tmp"),
            "ANSIBLE_HOME": str(self.tmp / "ansible-home"),
        })
        if self.counters:
            env["PORTAPLUS_SANDBOX_ADMIN"] = self.url + "/__sandbox"
        env.update(extra or {})
        return dict((k, v) for k, v in env.items() if v is not None)

    def _next(self, stem):
        while True:
            self.count += 1
            base = self.tmp / ("%s%03d" % (stem, self.count))
            if not base.exists():
                base.mkdir(parents=True)
                return base

    def _run(self, base, command, env, cwd, timeout):
        proc = subprocess.run(command, env=env, cwd=str(cwd or base), capture_output=True, text=True,
                              timeout=timeout, check=False, stdin=subprocess.DEVNULL)
        # beside the run's folder (whose files the secrets test scans), for a person debugging
        (self.tmp / (base.name + ".output")).write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
        return proc

    def playbook(self, text=None, args=(), license=DEMO_LICENSE, extra_env=None, files=None, timeout=900,
                 playbook_name="playbook.yml", path=None, cwd=None):
        """Run a playbook: YAML `text` written to the run's folder (`files` maps more file names to
        contents, written beside it; `playbook_name` may put it in a subfolder), or the file at `path`.
        It runs in its folder unless `cwd` says otherwise."""
        base = self._next("run")
        for name, content in (files or {}).items():
            target = base / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content)
        if path is None:
            playbook = base / playbook_name
            playbook.parent.mkdir(parents=True, exist_ok=True)
            playbook.write_text(text)
            path = str(playbook)
        results = base / "results.jsonl"
        env = self.env(license, extra_env)
        env["PORTAPLUS_TEST_RESULTS"] = str(results)
        command = [os.path.join(BIN, "ansible-playbook"), str(path)] + list(args)
        proc = self._run(base, command, env, cwd, timeout)
        tasks = []
        if results.exists():
            tasks = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
        return self.run_class(command, proc.returncode, proc.stdout, proc.stderr, tasks, base)

    def tasks(self, tasks_text, args=(), vars_data=None, **kwargs):
        """Run tasks (YAML text) in one play on the implicit localhost."""
        return self.playbook(play_text(tasks_text, vars_data=vars_data), args=args, **kwargs)

    def start(self, tasks_text, license=DEMO_LICENSE, extra_env=None):
        """Start tasks (YAML text) in the background, output discarded: a run to interrupt."""
        base = self._next("bg")
        playbook = base / "playbook.yml"
        playbook.write_text(play_text(tasks_text))
        return subprocess.Popen([os.path.join(BIN, "ansible-playbook"), str(playbook)], env=self.env(license, extra_env),
                                cwd=str(base), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def inventory(self, source_text=None, args=("--list",), license=DEMO_LICENSE, extra_env=None,
                  source_name="portaplus.yml", timeout=300, path=None):
        """Run ansible-inventory on a source: YAML `source_text` written to the run's folder, or the file at
        `path`. Only this collection's inventory plugin is enabled unless `extra_env` says otherwise, and a
        source it cannot parse fails the run."""
        base = self._next("inv")
        if path is None:
            path = base / source_name
            path.write_text(source_text)
        extra = {"ANSIBLE_INVENTORY_ENABLED": "portaplus.softswitch.accounts", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"}
        extra.update(extra_env or {})
        env = self.env(license, extra)
        command = [os.path.join(BIN, "ansible-inventory"), "-i", str(path)] + list(args)
        proc = self._run(base, command, env, None, timeout)
        return self.run_class(command, proc.returncode, proc.stdout, proc.stderr, [], base)


def plain(value):
    """ansible-inventory 2.19 writes strings from plugins (not trusted as templates) as
    {"__ansible_unsafe": text}; the value is the text."""
    if isinstance(value, dict):
        if list(value) == ["__ansible_unsafe"]:
            return value["__ansible_unsafe"]
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
