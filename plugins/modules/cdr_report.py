#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cdr_report
short_description: Render a CDR export as one self-contained HTML report with charts
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Reads a CSV written by M(portaplus.softswitch.cdr_export) and writes one HTML file that a person opens in a browser
    or prints - totals (calls, minutes, cost, share of failed calls), calls and minutes per day, the top accounts by
    minutes and by cost, the top destinations (dialled number prefixes) and the busiest hours of the day.
  - The file is self-contained - inline CSS and inline SVG charts, no JavaScript, no fonts or images, nothing fetched
    from the network - so it can be mailed, archived and printed as it is.
  - Every chart has a table with the same figures beside it; each total carries its exact value in a C(data-value)
    attribute.
  - Minutes are the durations' sum divided by 60, rounded to 0.1; costs are the sum of C(charged_amount), shown to
    0.01. Calls are grouped by day and hour in O(timezone).
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
      - It needs the columns C(connect_time), C(account_id), C(cld), C(duration), C(charged_amount) and C(failed).
    type: path
    required: true
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
      - Replace an existing O(dest) that this module did not write (a page without its generator mark).
      - Links and special files are refused even then.
    type: bool
    default: false
  title:
    description:
      - The page's title and heading, at most 300 characters without control characters.
    type: str
    default: Call report
  period:
    description:
      - The period the records cover, shown under the title as given (for example V(2026-10-01 to 2026-10-31)).
      - At most 300 characters without control characters, as O(title).
    type: str
    default: ""
  currency:
    description:
      - The currency shown after costs (for example V(GBP)).
    type: str
    default: ""
  top:
    description:
      - How many accounts and destinations the top lists show.
    type: int
    default: 10
  timezone:
    description:
      - The time zone of the days and hours in the report, as an IANA name (V(Europe/London)), V(UTC) or a fixed
        offset (V(+02:00)). The CSV's times are UTC.
    type: str
    default: UTC
  destination_digits:
    description:
      - How many leading digits of the dialled number (C(cld)) make a destination.
    type: int
    default: 4
seealso:
  - module: portaplus.softswitch.cdr_export
'''

EXAMPLES = r'''
- name: Export last month's calls of customer 1001
  portaplus.softswitch.cdr_export:
    customer: 1001
    from_date: last_month
    to_date: last_month
    dest: /tmp/acme-last-month.csv

- name: Render them for people
  portaplus.softswitch.cdr_report:
    src: /tmp/acme-last-month.csv
    dest: /tmp/acme-last-month.html
    title: Acme Ltd - calls of last month
    period: last month
    currency: GBP
    top: 5
    destination_digits: 3
    timezone: Europe/London
  register: report

- name: Show the figures
  ansible.builtin.debug:
    msg: "{{ report.totals.calls }} calls, {{ report.totals.minutes }} minutes, {{ report.totals.cost }} GBP"
'''

RETURN = r'''
dest:
  description: The HTML file, as an absolute path.
  returned: always
  type: str
  sample: /tmp/acme-last-month.html
totals:
  description: The totals shown at the top of the page.
  returned: success
  type: dict
  contains:
    calls:
      description: Number of calls (records).
      type: int
      sample: 73
    failed:
      description: Number of failed calls.
      type: int
      sample: 5
    failed_share:
      description: Failed calls as a percentage of all calls, rounded to 0.1.
      type: float
      sample: 6.8
    minutes:
      description: Sum of the durations in minutes, rounded to 0.1.
      type: float
      sample: 212.4
    cost:
      description: Sum of C(charged_amount).
      type: float
      sample: 4.1234
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.portaplus.softswitch.plugins.module_utils.cdr.report import (
    CdrReportError, check_report_options, plain_totals, read_csv, render_html, summarize, zone)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import InputError
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.files import (
    check_dest, file_content, starts_with, write_file)

#: In the head of every page this module writes: an existing dest without it is someone else's file.
GENERATOR = b'<meta name="generator" content="portaplus.softswitch.cdr_report">'


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="path", required=True),
            dest=dict(type="path", required=True),
            title=dict(type="str", default="Call report"),
            period=dict(type="str", default=""),
            currency=dict(type="str", default=""),
            top=dict(type="int", default=10),
            destination_digits=dict(type="int", default=4),
            timezone=dict(type="str", default="UTC"),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        check_report_options(params)
    except InputError as exc:
        module.fail_json(msg=str(exc))
    for name in ("top", "destination_digits"):
        if params[name] < 1:
            module.fail_json(msg="%s: must be at least 1 (got %d)" % (name, params[name]))
    if not os.path.isdir(os.path.dirname(os.path.abspath(params["dest"]))):
        module.fail_json(msg="dest: the directory of %s does not exist" % params["dest"], dest=params["dest"])
    try:
        tzinfo = zone(params["timezone"])
    except CdrReportError as exc:
        module.fail_json(msg=str(exc), dest=params["dest"])
    try:
        with open(params["src"], encoding="utf-8", newline="") as handle:
            records = read_csv(handle.read(), source=params["src"], tzinfo=tzinfo)
    except (IOError, OSError) as exc:
        module.fail_json(msg="src: cannot read %s: %s" % (params["src"], exc.strerror or exc), dest=params["dest"])
    except CdrReportError as exc:
        module.fail_json(msg="src: %s" % exc, dest=params["dest"])
    summary = summarize(records, top=params["top"], destination_digits=params["destination_digits"])
    page = render_html(summary, params["title"], params["period"], currency=params["currency"],
                       csv_name=os.path.basename(params["src"]), timezone=params["timezone"])
    data = page.replace("<head>", "<head>" + GENERATOR.decode("ascii"), 1).encode("utf-8")
    try:
        check_dest("dest", params["dest"], force=params["force"], written_by_us=starts_with(GENERATOR))
        changed = not os.path.exists(params["dest"]) or file_content(params["dest"]) != data
        if changed and not module.check_mode:
            write_file(params["dest"], data, force=params["force"], written_by_us=starts_with(GENERATOR))
    except InputError as exc:
        module.fail_json(msg=str(exc), dest=params["dest"], changed=False)
    except OSError as exc:
        module.fail_json(msg="dest: could not write %s: %s; the file was left as it was" % (
            params["dest"], exc.strerror or exc), dest=params["dest"], changed=False)
    module.exit_json(changed=changed, dest=os.path.abspath(params["dest"]), totals=plain_totals(summary))


if __name__ == "__main__":
    main()
