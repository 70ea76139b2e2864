"""Provisioning: N accounts, each with an extension and one add-on, four ways, in one run.

On a fresh sandbox customer (seed `empty`, customer 1001) every variant reaches the same end
state, checked after its first run: N accounts on product 2 (Hosted PBX Seat), each with
add-on 11 (Call Recording) and an extension named after the account holder.

- A, what users write today: ansible.builtin.uri against the documented routes, one
  request per object, in loops; idempotent as a careful user makes it (read the customer's
  accounts and extensions once, loop only over what is missing);
- B, the collection's single-object modules (account, extension, account_addon) in loops;
- c, the collection's list modules (accounts, extensions): one task each; the `customer`
  role when roles/customer exists; and the `customer` module on its own, one task reading
  the customer file;
- d, the floor: a playbook with as many ansible.builtin.ping tasks as c runs, loading the
  same variables: what Ansible itself costs for that many tasks; for the `customer` module,
  one ping task that loads the same customer file as vars (what merely reading it costs).

Each runs twice: the first run provisions, the second must change nothing (c and d repeat
that BENCH_REPEAT times from a fresh customer and report the median). Reported: wall
time, CPU (user + system of ansible-playbook and every process under it), peak RSS (the
largest process), HTTP requests and writes from the sandbox's own log; the ratios A/c, B/c,
c/d measured in the same run; and the fewest requests the API needs for the same change.
With --latency-ms the same set runs again against a sandbox that delays every request.

Then, the shape of scaling out by customer: F customer files of M new accounts each (with their
extensions), through playbooks/provision.yml (one host per file) with --forks 1 and --forks 4:
wall time, CPU and peak RSS of the first run and of the no-op re-run.

Usage: `python benchmarks/provisioning.py --sizes 100,1000` (defaults come from the BENCH_*
variables described in benchmarks/README.md). Writes provisioning.md (and .json) to
$BENCH_RESULTS, default benchmarks/results/.
"""
import argparse
import json
import os
import sys
import statistics
import tempfile
import time
import urllib.request

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import (  # noqa: E402
    REPO, LICENSE, ansible_command, measure, playbook_env, ratio, recap, table, write_section,
)
from tests.ansible_cli import RECAP  # noqa: E402
from portaplus_sandbox.testing import SandboxServer  # noqa: E402

CUSTOMER = 1001
PRODUCT = 2            # Hosted PBX Seat
ADDON = 11             # Call Recording
FIRST_EXTENSION = 10000
# The fewest requests the API needs, by route: first run = read the customer's accounts (an
# idempotent tool must look first), one CreateAccounts carrying every account with its
# extension number, one read back (the create answer names one account, A8), one
# UpdateAccountByProductAddons for all add-ons; no-op = read accounts (add-ons, extension
# numbers) and extensions (their names).
LOWER_BOUND = {"first": 4, "noop": 2}

PLAY = """- name: {name}
  hosts: localhost
  gather_facts: false
  connection: local
  tasks:
"""

URI_LOOPS = PLAY.format(name="Provision with ansible.builtin.uri, one request per object") + """
    - name: Read the customer's accounts
      ansible.builtin.uri:
        url: "{{ api }}/GetAccounts/{{ license }}/{{ customer }}"
      register: existing
      no_log: true                      # the License is in the URL

    - name: Create each missing account
      ansible.builtin.uri:
        url: "{{ api }}/CreateAccounts"
        method: POST
        body_format: json
        body:
          License: "{{ license }}"
          AccountRequest:
            ICustomer: "{{ customer }}"
            DefaultValues: {ProductId: "{{ item.product }}"}
            AccountsToCreate: [{AcntId: "{{ item.account_id }}", FirstName: "{{ item.first_name }}",
                                LastName: "{{ item.last_name }}"}]
      loop: "{{ accounts | rejectattr('account_id', 'in', existing.json.Accounts | map(attribute='AccountId')) }}"
      loop_control: {label: "{{ item.account_id }}"}
      no_log: true
      changed_when: true

    - name: Read the accounts again, for the ids of the new ones
      ansible.builtin.uri:
        url: "{{ api }}/GetAccounts/{{ license }}/{{ customer }}"
      register: current
      no_log: true

    - name: Read the customer's extensions
      ansible.builtin.uri:
        url: "{{ api }}/GetCustomerExtensions/{{ license }}/{{ customer }}"
      register: current_extensions
      no_log: true

    - name: Index accounts by account ID
      ansible.builtin.set_fact:
        by_id: "{{ current.json.Accounts | items2dict(key_name='AccountId', value_name='IAccount') }}"
        addons_by_id: "{{ current.json.Accounts | items2dict(key_name='AccountId', value_name='ActiveAddons') }}"
        taken_numbers: "{{ current_extensions.json.ExtensionLst | default([]) | map(attribute='id') | list }}"

    - name: Add each missing extension
      ansible.builtin.uri:
        url: "{{ api }}/AddCustomerExtension/{{ license }}/{{ customer }}/{{ item.name | urlencode }}/{{ item.number }}/{{ by_id[item.account_id] }}"
      loop: "{{ extensions | rejectattr('number', 'in', taken_numbers) }}"
      loop_control: {label: "{{ item.number }}"}
      no_log: true
      changed_when: true

    - name: Assign the add-on where it is missing, keeping the others (the route replaces the set)
      ansible.builtin.uri:
        url: "{{ api }}/UpdateAccountByProductAddons/{{ license }}"
        method: POST
        body_format: json
        body:
          Accounts:
            - IAccount: "{{ by_id[item.account_id] }}"
              assigned_addons: "{{ addons_by_id[item.account_id] + [{'IProduct': addon}] }}"
      loop: "{{ accounts }}"
      loop_control: {label: "{{ item.account_id }}"}
      when: addon not in addons_by_id[item.account_id] | map(attribute='IProduct')
      no_log: true
      changed_when: true
"""

SINGLE_OBJECT_LOOPS = PLAY.format(name="Provision with the single-object modules in loops") + """
    - name: One account per module run
      portaplus.softswitch.account:
        customer: "{{ customer }}"
        account_id: "{{ item.account_id }}"
        product: "{{ item.product }}"
        first_name: "{{ item.first_name }}"
        last_name: "{{ item.last_name }}"
      loop: "{{ accounts }}"
      loop_control: {label: "{{ item.account_id }}"}

    - name: One extension per module run
      portaplus.softswitch.extension:
        customer: "{{ customer }}"
        number: "{{ item.number }}"
        name: "{{ item.name }}"
        account_id: "{{ item.account_id }}"
      loop: "{{ extensions }}"
      loop_control: {label: "{{ item.number }}"}

    - name: One add-on per module run
      portaplus.softswitch.account_addon:
        customer: "{{ customer }}"
        account_id: "{{ item.account_id }}"
        addon: "{{ addon }}"
      loop: "{{ accounts }}"
      loop_control: {label: "{{ item.account_id }}"}
"""

LIST_MODULES = PLAY.format(name="Provision with the list modules") + """
    - name: All accounts with their add-on and extension number, in one batch
      portaplus.softswitch.accounts:
        customer: "{{ customer }}"
        state: merged
        config: "{{ accounts }}"

    - name: Extension names and bindings
      portaplus.softswitch.extensions:
        customer: "{{ customer }}"
        state: merged
        config: "{{ extensions }}"
"""

CUSTOMER_ROLE = PLAY.format(name="Provision with the customer role") + """
    - name: Apply one customer file
      ansible.builtin.include_role:
        name: portaplus.softswitch.customer
      vars:
        customer_file: "{{ customer_file_path }}"
"""

CUSTOMER_MODULE = PLAY.format(name="Provision with the customer module") + """
    - name: Make the customer match its file
      portaplus.softswitch.customer:
        src: "{{ customer_file_path }}"
"""

# The customer module's floor: one task, with the same customer file loaded the usual way.
FILE_FLOOR = """- name: Ansible's floor with the customer file as vars
  hosts: localhost
  gather_facts: false
  connection: local
  vars_files:
    - "{{ customer_file_path }}"
  tasks:
    - name: Ansible's own cost of one task
      ansible.builtin.ping:
"""

FLOOR_TASK = """
    - name: Ansible's own cost of one task
      ansible.builtin.ping:
"""


def desired_state(count):
    """The same N accounts and extensions for every variant, as extra vars."""
    accounts, extensions = [], []
    for n in range(count):
        account_id = "4416329%05d" % n
        number = str(FIRST_EXTENSION + n)
        accounts.append({"account_id": account_id, "product": PRODUCT, "first_name": "Bench",
                         "last_name": "User %d" % n, "extension": number, "addons": [ADDON]})
        # CreateAccounts names an extension after the account holder (A29): the same name here.
        extensions.append({"number": number, "name": "Bench User %d" % n, "account_id": account_id})
    return {"customer": CUSTOMER, "addon": ADDON, "accounts": accounts, "extensions": extensions}


def customer_file(wanted):
    """The same desired state as a customer file of roles/customer, whose accounts take no
    `extension`: the role binds the file's extensions to the accounts itself."""
    accounts = [dict((k, v) for k, v in account.items() if k != "extension") for account in wanted["accounts"]]
    return {"customer": wanted["customer"], "name": "Bench", "accounts": accounts, "extensions": wanted["extensions"]}


def has_customer_role():
    return os.path.exists(os.path.join(REPO, "roles", "customer", "tasks", "main.yml"))


def has_customer_module():
    return os.path.exists(os.path.join(REPO, "plugins", "modules", "customer.py"))


def floor(tasks):
    return PLAY.format(name="Ansible's floor") + FLOOR_TASK * tasks


VARIANTS = [("A", "A: uri loops", URI_LOOPS),
            ("B", "B: single-object modules in loops", SINGLE_OBJECT_LOOPS),
            ("c", "c: list modules (accounts, extensions)", LIST_MODULES),
            ("r", "c: customer role", CUSTOMER_ROLE),
            ("m", "c: customer module", CUSTOMER_MODULE)]
# The floor of each collection variant: as many ping tasks as that variant ran; the customer
# module's is one ping task loading the customer file as vars.
FLOORS = {"c": "d", "r": "dr", "m": "dm"}
RATIOS = (("A", "c", "A/c"), ("B", "c", "B/c"), ("c", "d", "c/d"),
          ("A", "r", "A/role"), ("B", "r", "B/role"), ("r", "dr", "role/its floor"),
          ("A", "m", "A/module"), ("c", "m", "list modules/module"), ("r", "m", "role/module"),
          ("m", "dm", "module/its floor"))
# Task results recorded by the tests' callback (the customer module's no-op result size).
CALLBACKS = os.path.join(REPO, "tests", "callback_plugins")


def get(url, path):
    with urllib.request.urlopen(url + path, timeout=120) as response:
        return json.loads(response.read())


def check_end_state(url, wanted):
    """Fail loudly unless the customer has exactly the wanted accounts, add-ons and extensions."""
    accounts = get(url, "/GetAccounts/%s/%d" % (LICENSE, CUSTOMER)).get("Accounts") or []
    extensions = get(url, "/GetCustomerExtensions/%s/%d" % (LICENSE, CUSTOMER)).get("ExtensionLst") or []
    have = dict((a["AccountId"], (a["IProduct"], sorted(x["IProduct"] for x in a.get("ActiveAddons") or []),
                                  a.get("ExtensionNumber"))) for a in accounts)
    want = dict((a["account_id"], (PRODUCT, [ADDON], a["extension"])) for a in wanted["accounts"])
    names = dict((e["id"], (e["name"], e["account_id"])) for e in extensions)
    want_names = dict((e["number"], (e["name"], e["account_id"])) for e in wanted["extensions"])
    if have != want or names != want_names:
        wrong = sorted(k for k in set(have) | set(want) if have.get(k) != want.get(k))[:5]
        wrong += sorted(k for k in set(names) | set(want_names) if names.get(k) != want_names.get(k))[:5]
        raise SystemExit("end state differs from the wanted one, e.g. %s" % wrong)


def result_bytes(path):
    """The size of the largest task result recorded by the callback (JSON), then the record is emptied."""
    if not os.path.exists(path):
        return 0
    with open(path) as handle:
        sizes = [len(json.dumps(json.loads(line)["result"])) for line in handle if line.strip()]
    os.remove(path)
    return max(sizes or [0])


def run_variant(server, text, vars_file, workdir, key, wanted, repeat):
    """First run and no-op re-run, `repeat` times from a fresh customer; the median of each figure."""
    path = os.path.join(workdir, key + ".yml")
    with open(path, "w") as handle:
        handle.write(text)
    env = playbook_env(server.url)
    results = os.path.join(workdir, key + "-results.jsonl")
    if key in ("m", "dm"):   # the size of what AWX would store per run, as a job event
        env.update(ANSIBLE_CALLBACK_PLUGINS=CALLBACKS, ANSIBLE_CALLBACKS_ENABLED="record_results",
                   PORTAPLUS_TEST_RESULTS=results)
    command = [ansible_command("ansible-playbook"), path, "-e", "@" + vars_file,
               "-e", "api=%s license=%s" % (server.url, LICENSE)]
    samples = {"first": [], "noop": []}
    for _ in range(repeat):
        server.reset()
        for phase in ("first", "noop"):
            server.clear_log()
            result = measure(command, env=env)
            counters = server.counters()
            counts = recap(result.pop("stdout"))
            result.update(requests=counters["requests"], writes=counters["writes"],
                          tasks=counts["ok"] + counts["skipped"] + counts["failed"], changed=counts["changed"],
                          result_kib=result_bytes(results) / 1024.0)
            samples[phase].append(result)
            if phase == "first" and not key.startswith("d"):
                check_end_state(server.url, wanted)
    return dict((phase, dict((metric, statistics.median_low(run[metric] for run in runs)) for metric in runs[0]))
                for phase, runs in samples.items())


def measure_size(count, latency_ms, baselines, repeat, log, variants=("c", "r", "m")):
    wanted = desired_state(count)
    with tempfile.TemporaryDirectory() as workdir:
        vars_file = os.path.join(workdir, "vars.json")
        customer_path = os.path.join(workdir, "customer.yml")
        with open(customer_path, "w") as handle:
            # YAML, as users write customer files (and export.yml writes them): the floor loads it as vars the usual
            # way. (As JSON, Ansible's loader would take its json fast path and the floor would not be that usual way.)
            yaml.safe_dump(customer_file(wanted), handle, sort_keys=False)
        with open(vars_file, "w") as handle:
            json.dump(dict(wanted, customer_file_path=customer_path), handle)
        rows = {}
        extra = ["--latency-ms", str(latency_ms)] if latency_ms else []
        with SandboxServer(seed="empty", extra_args=extra) as server:
            for key, label, text in VARIANTS:
                if key in "AB" and count > baselines.get(key, 0):
                    continue
                if key not in "AB" and key not in variants:
                    continue
                if (key == "r" and not has_customer_role()) or (key == "m" and not has_customer_module()):
                    continue
                started = time.monotonic()
                runs = run_variant(server, text, vars_file, workdir, key, wanted, 1 if key in "AB" else repeat)
                rows[key] = dict(label=label, **runs)
                log("N=%d latency=%gms %s: %.1f s" % (count, latency_ms, label, time.monotonic() - started))
                if key == "m":
                    runs = run_variant(server, FILE_FLOOR, vars_file, workdir, FLOORS[key], wanted, repeat)
                    rows[FLOORS[key]] = dict(label="d: floor of the module, 1 x ansible.builtin.ping, "
                                             "customer file as vars_files", **runs)
                elif key in FLOORS:
                    tasks = runs["first"]["tasks"]
                    runs = run_variant(server, floor(tasks), vars_file, workdir, FLOORS[key], wanted, repeat)
                    rows[FLOORS[key]] = dict(label="d: floor%s, %d x ansible.builtin.ping"
                                             % (" of the role" if key == "r" else "", tasks), **runs)
    return rows


def section(count, latency_ms, rows):
    """The markdown for one size and latency: measurements, ratios, requests against the bound."""
    title = "### %d accounts, each with an extension and an add-on; sandbox latency %g ms\n\n" % (count, latency_ms)
    measured = []
    for row in rows.values():
        for phase, name in (("first", "first run"), ("noop", "no-op re-run")):
            run = row[phase]
            measured.append([row["label"], name, run["tasks"], run["wall_s"], run["cpu_s"],
                             run["peak_rss_mb"], run["requests"], run["writes"], run["changed"]])
    text = title + table(["variant", "run", "tasks", "wall s", "CPU s", "peak RSS MB", "requests", "writes",
                          "changed"], measured)
    ratios = []
    for top, bottom, name in RATIOS:
        if top in rows and bottom in rows:
            cells = [name]
            for phase in ("first", "noop"):
                for metric in ("wall_s", "cpu_s"):
                    cells.append("%.1fx" % ratio(rows[top][phase][metric], rows[bottom][phase][metric]))
            ratios.append(cells)
    if ratios:
        text += "\n" + table(["ratio", "first run wall", "first run CPU", "no-op wall", "no-op CPU"], ratios)
    for key in ("c", "r", "m"):
        if key in rows:
            text += ("\nRequests of %s: %d on the first run (the API needs at least %d), %d on the no-op re-run "
                     "(at least %d).\n" % (rows[key]["label"].split(": ", 1)[1], rows[key]["first"]["requests"],
                                           LOWER_BOUND["first"], rows[key]["noop"]["requests"], LOWER_BOUND["noop"]))
    if "m" in rows:
        text += ("\nThe customer module's task result: %.1f KiB on the first run, %.1f KiB on the no-op re-run "
                 "(what AWX stores as a job event per customer and run).\n"
                 % (rows["m"]["first"]["result_kib"], rows["m"]["noop"]["result_kib"]))
    return text


# -- many customers, one host each -------------------------------------------------------------

SCALE_FIRST_CUSTOMER = 1101   # the sandbox's --customers N generator numbers them from here


def scale_file(index, accounts):
    customer = SCALE_FIRST_CUSTOMER + index
    return {"customer": customer, "name": "Scale %d" % index,
            "accounts": [{"account_id": "4417%03d%05d" % (index, n), "product": "Office Line", "first_name": "Scale",
                          "last_name": "User %d" % n} for n in range(accounts)],
            "extensions": [{"number": str(100 + n), "name": "Scale User %d" % n,
                            "account_id": "4417%03d%05d" % (index, n)} for n in range(accounts)]}


def measure_scale(files, accounts, forks_list, log):
    """provision.yml over `files` customer files of `accounts` new accounts each, at each --forks."""
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        directory = os.path.join(workdir, "customers")
        os.makedirs(directory)
        for index in range(files):
            with open(os.path.join(directory, "scale%03d.yml" % index), "w") as handle:
                json.dump(scale_file(index, accounts), handle)      # JSON is YAML
        extra = ["--customers", str(files), "--cdrs", "0"]
        with SandboxServer(seed="empty", extra_args=extra) as server:
            env = playbook_env(server.url)
            for forks in forks_list:
                server.reset()
                for phase, name in (("first", "first run"), ("noop", "no-op re-run")):
                    server.clear_log()
                    started = time.monotonic()
                    result = measure([ansible_command("ansible-playbook"), os.path.join(REPO, "playbooks", "provision.yml"),
                                      "-e", "customers_dir=%s" % directory, "--forks", str(forks)], env=env, cwd=workdir)
                    hosts = [line for line in RECAP.findall(result.pop("stdout")) if line[0] != "localhost"]
                    counters = server.counters()
                    changed = len([line for line in hosts if int(line[2])])
                    if len(hosts) != files or (phase == "noop" and (changed or counters["writes"])):
                        raise SystemExit("provision.yml over %d files: %d hosts, %d changed, %d writes on the %s"
                                         % (files, len(hosts), changed, counters["writes"], name))
                    rows.append(["--forks %d" % forks, name, result["wall_s"], result["cpu_s"], result["peak_rss_mb"],
                                 counters["requests"], counters["writes"], changed])
                    log("scale %d files x %d accounts, --forks %d, %s: %.1f s" % (
                        files, accounts, forks, name, time.monotonic() - started))
    return rows


def scale_section(files, accounts, rows):
    text = ("### %d customer files of %d accounts each (with their extensions), playbooks/provision.yml\n\n"
            % (files, accounts))
    text += table(["forks", "run", "wall s", "CPU s", "peak RSS MB", "requests", "writes", "hosts changed"], rows)
    by = dict(((row[0], row[1]), row) for row in rows)
    if ("--forks 1", "first run") in by and ("--forks 4", "first run") in by:
        text += "\nWall time with --forks 4 over --forks 1: first run %.2fx, no-op re-run %.2fx.\n" % (
            ratio(by[("--forks 4", "first run")][2], by[("--forks 1", "first run")][2]),
            ratio(by[("--forks 4", "no-op re-run")][2], by[("--forks 1", "no-op re-run")][2]))
    return text


def baseline_limits(spec):
    """"A=1000,B=100" -> {"A": 1000, "B": 100}: the largest N each baseline runs at ("A" alone: every N)."""
    limits = {}
    for part in spec.replace(" ", "").split(","):
        if part and part != "none":
            key, _, largest = part.partition("=")
            if key not in ("A", "B") or (largest and not largest.isdigit()):
                raise SystemExit("baselines: %r is not A, B, A=<N> or B=<N>" % part)
            limits[key] = int(largest) if largest else float("inf")
    return limits


def left_out(subject, limits, sizes, variable, spec):
    """A line naming the baselines (and sizes) a set did not run, if any."""
    missing = []
    for key in "AB":
        skipped = [size for size in sizes if size > limits.get(key, 0)]
        if skipped:
            missing.append("%s at N = %s" % (key, ", ".join(map(str, skipped))))
    if not missing:
        return ""
    return "%s did not run baseline %s (%s=%s); see benchmarks/README.md.\n" % (
        subject, " or ".join(missing), variable, spec)


def env_default(name, default):
    return os.environ.get(name) or default


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=env_default("BENCH_SIZES", "100,1000"),
                        help="comma-separated account counts (BENCH_SIZES, default 100,1000)")
    parser.add_argument("--baselines", default=env_default("BENCH_BASELINES", "A=100,B=100"),
                        help="baselines of the set without latency, each up to the largest N it runs at, e.g. "
                             "A=1000,B=100; a letter alone runs at every N; none for none (BENCH_BASELINES, "
                             "default A=100,B=100)")
    parser.add_argument("--latency-ms", type=float, default=float(env_default("BENCH_LATENCY_MS", "20")),
                        help="repeat everything at this sandbox latency; 0 skips it (BENCH_LATENCY_MS, default 20)")
    parser.add_argument("--latency-baselines", default=env_default("BENCH_LATENCY_BASELINES", "A=100"),
                        help="the same for the latency set (BENCH_LATENCY_BASELINES, default A=100: B's requests "
                             "are per object like A's, and it is the slowest)")
    parser.add_argument("--repeat", type=int, default=int(env_default("BENCH_REPEAT", "3")),
                        help="runs of the quick variants (c, d) whose median is reported (BENCH_REPEAT, default 3)")
    parser.add_argument("--variants", default=env_default("BENCH_VARIANTS", "c,r,m"),
                        help="collection variants to run, each beside its floor: c (list modules), r (customer role), "
                             "m (customer module) (BENCH_VARIANTS, default c,r,m)")
    parser.add_argument("--scale-files", type=int, default=int(env_default("BENCH_SCALE_FILES", "100")),
                        help="customer files of the scale-out table; 0 skips it (BENCH_SCALE_FILES, default 100)")
    parser.add_argument("--scale-forks", default=env_default("BENCH_SCALE_FORKS", "1,4"),
                        help="--forks values of the scale-out table (BENCH_SCALE_FORKS, default 1,4)")
    parser.add_argument("--scale-accounts", type=int, default=int(env_default("BENCH_SCALE_ACCOUNTS", "100")),
                        help="accounts of each of those files (BENCH_SCALE_ACCOUNTS, default 100)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    variants = [key.strip() for key in args.variants.split(",") if key.strip()]
    scale_forks = [int(forks) for forks in args.scale_forks.split(",") if forks.strip()]
    if set(variants) - set("crm"):
        parser.error("--variants: %s is not c, r or m" % ", ".join(sorted(set(variants) - set("crm"))))

    def log(message):
        print(message, flush=True)

    text, raw = ["## Provisioning\n\n" + "\n\n".join(__doc__.split("\n\n")[1:5]) + "\n"], []
    plain, delayed = baseline_limits(args.baselines), baseline_limits(args.latency_baselines)
    for latency_ms in [0.0] + ([args.latency_ms] if args.latency_ms else []):
        for count in sizes:
            rows = measure_size(count, latency_ms, delayed if latency_ms else plain, args.repeat, log, variants)
            text.append(section(count, latency_ms, rows))
            raw.append({"accounts": count, "latency_ms": latency_ms, "rows": rows})
            write_section("provisioning", "\n".join(text))     # so an interrupted run keeps what it measured
    if args.scale_files and has_customer_module():
        rows = measure_scale(args.scale_files, args.scale_accounts, scale_forks, log)
        text.append(scale_section(args.scale_files, args.scale_accounts, rows))
        with open(os.path.join(os.path.dirname(write_section("provisioning", "\n".join(text))),
                               "provisioning-scale.json"), "w") as handle:
            json.dump({"files": args.scale_files, "accounts": args.scale_accounts, "rows": rows}, handle, indent=1)
    text.append(left_out("The set without latency", plain, sizes, "BENCH_BASELINES", args.baselines))
    if args.latency_ms:
        text.append(left_out("The latency set", delayed, sizes, "BENCH_LATENCY_BASELINES", args.latency_baselines))
    path = write_section("provisioning", "\n".join(text))
    with open(os.path.join(os.path.dirname(path), "provisioning.json"), "w") as handle:
        json.dump(raw, handle, indent=1)
    print(open(path).read())


if __name__ == "__main__":
    main()
