#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cdr_report
short_description: Render a CDR export as one self-contained HTML report operators act on, or a reseller overview
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Reads a CSV written by M(portaplus.softswitch.cdr_export) in one streaming pass (constant memory whatever the number
    of calls) and writes one HTML page that a person opens in a browser or prints - headline tiles (calls, ASR, minutes,
    ACD, cost, failed calls) with the change against the previous period (O(previous_src)), incoming vs outgoing, calls,
    ASR and ACD for every day of the period (days without calls shown as zeros), failed calls by Q.850 cause, the top
    outgoing destinations by country, the accounts by name and ID, and a day-of-week x hour heat map.
  - ASR is answered calls / calls, in percent; ACD the average length of an answered call; minutes the durations' sum
    divided by 60, rounded to 0.1; costs the sum of C(charged_amount).
  - Destination countries come from the Python package C(phonenumbers) on the host that runs the module; without it
    destinations are dialled prefixes of O(destination_digits) digits and the page says so.
  - The period's days, the currency and the account names come from the manifest that
    M(portaplus.softswitch.cdr_export) writes beside the CSV (C(<src>.manifest.json)); without one the days run from
    the first to the last call and the page says that the currency is not recorded.
  - With O(overview), writes instead the reseller's page - one row per customer with the same headline figures and a
    link to each customer's report.
  - The file is self-contained - inline CSS and inline SVG charts, no JavaScript, no fonts or images, nothing fetched;
    its Content-Security-Policy forbids scripts and remote loads, and every text from the records is escaped. Every
    chart has a table with its numbers; each headline carries its exact value in a C(data-value) attribute.
  - Idempotent. The page holds no time stamp, so the same CSV and options give the same file and C(changed=false).
  - Makes no request to the API; the C(portaplus.softswitch.cdr_report) role runs M(portaplus.softswitch.cdr_export)
    first.
attributes:
  check_mode:
    support: full
    description: Reads the CSV and reports whether the file would change; writes nothing.
  diff_mode:
    support: none
    description: The page is not diffed; RV(totals) reports its figures.
options:
  src:
    description:
      - The CSV file written by M(portaplus.softswitch.cdr_export) (uncompressed, in its default CSV format).
      - It needs the columns C(connect_time), C(account_id), C(cld), C(duration), C(charged_amount), C(failed),
        C(disconnect_cause) and C(call_type), in UTF-8.
      - One of O(src) and O(overview) is required.
    type: path
  previous_src:
    description:
      - The CSV of the previous period of the same length (M(portaplus.softswitch.cdr_export) with
        O(portaplus.softswitch.cdr_export#module:previous_period=true)); the headline tiles then show the change
        against it.
    type: path
  dest:
    description:
      - The HTML file to write. Its directory must exist.
      - A symbolic link, a directory, a FIFO or a device at O(dest) is refused, naming the path; so is an existing
        file this module did not write, unless O(force=true).
      - The page is written to a new file beside O(dest) (mode 0600 until it is whole) and renamed into place.
    type: path
    required: true
  force:
    description:
      - Write the page even when O(dest) already holds it (the result is then C(changed=true)).
      - Also replaces an existing O(dest) that this module did not write (a page without its generator mark);
        without O(force), such a file is refused. Links and special files are refused even then.
    type: bool
    default: false
  title:
    description:
      - The page's title and heading, at most 300 characters without control characters.
    type: str
    default: Call report
  period:
    description:
      - The period shown under the title as given (for example V(2026-10)); by default the period's first and last days.
      - At most 300 characters without control characters, as O(title).
    type: str
    default: ""
  currency:
    description:
      - The currency the amounts must be in, as a check; the task fails when the customer's currency recorded by
        M(portaplus.softswitch.cdr_export) is another one, or when O(src) has no manifest recording it.
      - The page always shows the recorded currency; this option never relabels amounts.
    type: str
  top:
    description:
      - How many destinations and accounts the charts show (the table of every account shows them all).
    type: int
    default: 10
  timezone:
    description:
      - The time zone of the days and hours in the report, as an IANA name (V(Europe/London)), V(UTC) or a fixed
        offset (V(+02:00), V(UTC+2), V(+2)) - the forms O(portaplus.softswitch.cdr_export#module:timezone) takes.
        The CSV's times are UTC.
    type: str
    default: UTC
  destination_digits:
    description:
      - How many leading digits of the dialled number (C(cld)) make a destination when C(phonenumbers) is not installed.
    type: int
    default: 4
  overview:
    description:
      - Write the reseller overview instead of one customer's report - one row per item, in the order given.
    type: list
    elements: dict
    suboptions:
      customer:
        description: The customer's id.
        type: int
        required: true
      name:
        description: The customer's name.
        type: str
        required: true
      src:
        description: The customer's CSV, as O(src).
        type: path
        required: true
      report:
        description: The customer's report, linked from its row (a path relative to O(dest), or a URL).
        type: str
seealso:
  - module: portaplus.softswitch.cdr_export
  - plugin: portaplus.softswitch.cdr_stats
    plugin_type: lookup
'''

EXAMPLES = r'''
- name: Export last month's calls of customer 1001
  portaplus.softswitch.cdr_export:
    customer: 1001
    from_date: last_month
    to_date: last_month
    dest: /tmp/acme-last-month.csv

- name: And the month before, for the change against it
  portaplus.softswitch.cdr_export:
    customer: 1001
    from_date: last_month
    to_date: last_month
    previous_period: true
    dest: /tmp/acme-last-month.previous.csv

- name: Render them for people
  portaplus.softswitch.cdr_report:
    src: /tmp/acme-last-month.csv
    previous_src: /tmp/acme-last-month.previous.csv
    dest: /tmp/acme-last-month.html
    title: Acme Ltd - calls of last month
    period: last month
    currency: GBP
    top: 5
    destination_digits: 3
    timezone: Europe/London
    force: true
  register: report

- name: Show the figures
  ansible.builtin.debug:
    msg: "{{ report.totals.calls }} calls, ASR {{ report.totals.asr }} %, {{ report.totals.minutes }} minutes"

- name: A reseller's page linking to the customer's report
  portaplus.softswitch.cdr_report:
    dest: /tmp/overview.html
    title: All customers - last month
    overview:
      - customer: 1001
        name: Acme Ltd
        src: /tmp/acme-last-month.csv
        report: acme-last-month.html
'''

RETURN = r'''
dest:
  description: The HTML file, as an absolute path.
  returned: always
  type: str
  sample: /tmp/acme-last-month.html
currency:
  description: The currency of the amounts, as recorded by M(portaplus.softswitch.cdr_export); null when not recorded.
  returned: success, without O(overview)
  type: str
  sample: GBP
totals:
  description: The headline figures of the page (of the whole overview with O(overview)).
  returned: success
  type: dict
  contains:
    calls:
      description: Number of calls (records).
      type: int
      sample: 73
    answered:
      description: Number of answered calls (not failed).
      type: int
      sample: 68
    failed:
      description: Number of failed calls.
      type: int
      sample: 5
    asr:
      description: Answered calls as a percentage of all calls, rounded to 0.1; null without calls.
      type: float
      sample: 93.2
    minutes:
      description: Sum of the durations in minutes, rounded to 0.1.
      type: float
      sample: 212.4
    acd:
      description: Average minutes of an answered call, rounded to 0.01; null without answered calls.
      type: float
      sample: 3.12
    cost:
      description: Sum of C(charged_amount).
      type: float
      sample: 4.1234
    seconds:
      description: Sum of the durations in seconds.
      type: int
      sample: 12744
customers:
  description: With O(overview), each customer's headline figures by customer id.
  returned: success, with O(overview)
  type: dict
  sample: {"1001": {"calls": 73, "asr": 93.2}}
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.range import CdrInputError
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.report import CdrReportError, check_report_options, customer_page, overview_page
from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.stats import plain
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.files import check_dest, file_content, starts_with, write_file

#: In the head of every page this module writes: an existing dest without it is someone else's file.
GENERATOR = b'<meta name="generator" content="portaplus.softswitch.cdr_report">'


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="path"),
            previous_src=dict(type="path"),
            dest=dict(type="path", required=True),
            title=dict(type="str", default="Call report"),
            period=dict(type="str", default=""),
            currency=dict(type="str"),
            top=dict(type="int", default=10),
            destination_digits=dict(type="int", default=4),
            timezone=dict(type="str", default="UTC"),
            overview=dict(type="list", elements="dict", options=dict(
                customer=dict(type="int", required=True),
                name=dict(type="str", required=True),
                src=dict(type="path", required=True),
                report=dict(type="str"),
            )),
            force=dict(type="bool", default=False),
        ),
        required_one_of=[("src", "overview")],
        mutually_exclusive=[("src", "overview"), ("previous_src", "overview")],
        supports_check_mode=True,
    )
    params = module.params
    dest = params["dest"]
    try:
        check_report_options(params)
        page, result = overview_page(params) if params["overview"] is not None else customer_page(params)
    except (InputError, CdrInputError, CdrReportError) as exc:
        module.fail_json(msg=str(exc), dest=dest)
    data = page.replace("<head>", "<head>" + GENERATOR.decode("ascii"), 1).encode("utf-8")
    try:
        # never through a link or over a special file; over a file the module did not write only with force
        check_dest("dest", dest, force=params["force"], written_by_us=starts_with(GENERATOR))
        changed = params["force"] or not os.path.exists(dest) or file_content(dest) != data
        if changed and not module.check_mode:
            write_file(dest, data, force=params["force"], written_by_us=starts_with(GENERATOR))
    except InputError as exc:
        module.fail_json(msg=str(exc), dest=dest, changed=False)
    except OSError as exc:
        module.fail_json(msg="dest: could not write %s: %s; the file was left as it was" % (
            dest, exc.strerror or exc), dest=dest, changed=False)
    module.exit_json(changed=changed, dest=os.path.abspath(dest), **plain(result))


if __name__ == "__main__":
    main()
