#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cdr_export
short_description: Export the call detail records (CDRs) of a Porta Plus 2 customer or account to a CSV or JSON lines file
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Streams the CDRs of a customer (with its accounts' CDRs by default) or of one account, for a range of dates, to
    O(dest) as CSV or JSON lines, optionally gzip-compressed, oldest call first.
  - Reads page by page (C(getCustomerAccountCDRSWithOffset), C(getAccountCDRSWithOffset)) on one HTTP session and
    writes each page as it arrives, so memory stays the same whatever the number of records.
  - Atomic. The records go to a temporary file in the directory of O(dest), which is renamed to O(dest) only when the
    last page is written. An export that fails or is interrupted leaves O(dest) as it was; a temporary file left by
    a killed run is removed by the next run.
  - Idempotent. Beside O(dest) the module writes C(<dest>.manifest.json), recording the export (customer or account,
    range in UTC, filters, format, server URL) and the file's size and SHA-256. When O(dest) still holds exactly
    that export, nothing is fetched and the task reports C(changed=false); O(force=true) exports again.
  - A period that has not ended yet (its end is after now) is always exported again, since it may have gained calls.
  - The manifest also records what a report needs besides the records - the customer's name and currency (the
    currency of C(charged_amount)) and the names of its accounts - under C(context).
  - Offsets and V(now) in O(from_date) and O(to_date) change from run to run, so an export using them is redone each
    time; use dates or named periods for idempotent exports.
  - The range, the time zone, O(format) and O(dest) are checked before any request is sent.
  - The manifest and the export never contain the License.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.cdr_range
attributes:
  check_mode:
    description: Reads the first page only, to report how many records the export would write; writes no file.
    support: full
  diff_mode:
    description: Not supported; the results report what was written.
    support: none
options:
  dest:
    description:
      - The file to write. Its directory must exist.
      - The manifest is written to C(<dest>.manifest.json).
      - A symbolic link, a directory, a FIFO or a device at O(dest) is refused, naming the path; so is an existing
        file without a manifest (not written by this module), unless O(force=true).
      - The export is written to a new file beside O(dest) (mode 0600 until it is whole) and renamed into place.
    type: path
    required: true
  format:
    description:
      - V(csv) writes a header line and one line per call with the columns C(connect_time), C(disconnect_time),
        C(account_id), C(cli), C(cld), C(duration), C(charged_amount), C(disconnect_cause), C(failed), C(call_type),
        C(service), C(call_id), C(id), C(i_account), C(customer).
      - V(jsonl) writes one JSON object per line with the same keys.
    type: str
    choices: [csv, jsonl]
    default: csv
  csv_formulas:
    description:
      - Caller IDs and other texts come from outside (anyone can call with any CLI). A CSV cell that a spreadsheet would
        evaluate as a formula - one starting with C(=), C(@), a tab or a carriage return, or with C(+) or C(-) unless it
        is a number or an E.164 number such as C(+441632960001) - is written with a leading C(') by default
        (V(neutralise)), so the spreadsheet shows it as text.
      - V(raw) writes every cell as it is. The manifest records which under C(export.csv_formulas).
      - Only for O(format=csv).
    type: str
    choices: [neutralise, raw]
    default: neutralise
  previous_period:
    description:
      - Export the period of the same length that ends where the range of O(from_date) and O(to_date) begins, for
        comparisons (the C(portaplus.softswitch.cdr_report) role uses it for the change against the previous period).
    type: bool
    default: false
  compress:
    description:
      - Compress the file with gzip (name O(dest) accordingly, for example C(calls.csv.gz)).
    type: bool
    default: false
  force:
    description:
      - Export again even when O(dest) already holds this export (whose period has ended).
      - Also replace an existing O(dest) that has no manifest (a file this module did not write). Links and special
        files are refused even then.
    type: bool
    default: false
seealso:
  - plugin: portaplus.softswitch.cdrs
    plugin_type: lookup
'''

EXAMPLES = r'''
- name: Last month's calls of customer 1001 as CSV
  portaplus.softswitch.cdr_export:
    url: https://api.example.com  # real server only (the sandbox comes from PORTAPLUS_URL)
    license: "{{ vault_portaplus_license }}"
    customer: 1001
    from_date: last_month
    to_date: last_month
    dest: /tmp/acme-last-month.csv
  register: export

- name: Say what was exported
  ansible.builtin.debug:
    msg: "{{ export.records }} calls, {{ export.total_minutes }} minutes, {{ export.total_charged }} charged"

- name: One account's outgoing calls of October in Paris time, as gzip-compressed JSON lines
  portaplus.softswitch.cdr_export:
    account: "441632960001"
    from_date: "2026-10-01"
    to_date: "2026-10-31"
    timezone: Europe/Paris
    outgoing_only: true
    format: jsonl
    compress: true
    dest: /tmp/441632960001-2026-10.jsonl.gz

- name: The 31 days before October, CSV cells written exactly as the API gave them (no formula neutralising)
  portaplus.softswitch.cdr_export:
    customer: 1001
    from_date: "2026-10"
    to_date: "2026-10"
    previous_period: true
    csv_formulas: raw
    dest: /tmp/acme-before-2026-10.csv

- name: Only the customer-level records of the last 24 hours, exported again even if unchanged
  portaplus.softswitch.cdr_export:
    customer: 1001
    include_accounts: false
    from_date: -24h
    to_date: now
    dest: /tmp/acme-24h.csv
    force: true
    validate_certs: true
    ca_path: /etc/ssl/certs/internal-ca.pem  # real server only: your CA bundle
    timeout: 60
    retries: 3
'''

RETURN = r'''
dest:
  description: The file written (or that would be written in check mode).
  returned: always
  type: str
  sample: /srv/reports/acme-last-month.csv
records:
  description: How many CDRs the file holds; in check mode, how many the range holds (the server's C(TotalCalls)).
  returned: always
  type: int
  sample: 1520
total_charged:
  description: The sum of C(charged_amount) over the records. Not known in check mode.
  returned: always
  type: float
  sample: 74.2311
total_minutes:
  description: The sum of C(duration) over the records, in minutes, rounded to two decimals. Not known in check mode.
  returned: always
  type: float
  sample: 4212.35
first_call:
  description: The connect time (ISO 8601 UTC) of the first record, or null when there is none or in check mode.
  returned: always
  type: str
  sample: "2026-10-01T00:03:12Z"
last_call:
  description: The connect time (ISO 8601 UTC) of the last record, or null when there is none or in check mode.
  returned: always
  type: str
  sample: "2026-10-31T23:58:40Z"
range:
  description: The range exported, in UTC (C(from) inclusive, C(to) exclusive).
  returned: always
  type: dict
  sample: {"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}
manifest:
  description: The path of the manifest beside O(dest).
  returned: always
  type: str
  sample: /srv/reports/acme-last-month.csv.manifest.json
sha256:
  description: The SHA-256 of O(dest) as written; null in check mode when nothing is written.
  returned: always
  type: str
  sample: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.export import export_cdrs
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import connection_argument_spec
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.runner import run_file_module


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        customer=dict(type="int"),
        account=dict(type="str"),
        include_accounts=dict(type="bool", default=True),
        from_date=dict(type="str", required=True),
        to_date=dict(type="str", default="now"),
        timezone=dict(type="str", default="UTC"),
        outgoing_only=dict(type="bool", default=False),
        dest=dict(type="path", required=True),
        format=dict(type="str", default="csv", choices=["csv", "jsonl"]),
        compress=dict(type="bool", default=False),
        csv_formulas=dict(type="str", default="neutralise", choices=["neutralise", "raw"]),
        previous_period=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, required_one_of=[("customer", "account")],
                           supports_check_mode=True)
    run_file_module(module, export_cdrs)


if __name__ == "__main__":
    main()
