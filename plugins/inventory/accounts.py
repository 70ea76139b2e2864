# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: accounts
short_description: Porta Plus 2 accounts as inventory hosts
version_added: 0.2.0
author:
  - portaplus.softswitch maintainers (@portaplus)
description:
  - Every open account of the chosen customers becomes a host. Its name is the account ID; only characters that
    Ansible host patterns would misread (blanks, C(,) C(:) C(!) C(&) C(*) C(?) C([) C(]) C(/) C(#), quotes and a
    leading C(@) or C(~)) are replaced by C(_). The raw ID is kept in the C(account_id) host variable.
  # BEGIN GENERATED inventory.host-variables (tools/generate_docs.py from the field table; edit the table, then run make docs-gen)
  - Host variables are C(account_id), C(product), C(first_name), C(last_name), C(email), C(extension), C(credit_limit),
    C(blocked), C(unified_messaging), C(addons), C(i_account), C(product_id), C(balance), C(currency), C(customer),
    C(customer_name), C(bill_status), C(site), C(site_id), C(sip_registered), C(live_calls), C(online), and C(cdr_statistics)
    when O(cdr_statistics_days) is set. Passwords and the License are never among them.
  # END GENERATED inventory.host-variables
  - "Every account joins the groups C(customer_<id>), C(product_<product name>) and, when it is on a site,
    C(site_<customer id>_<site name>); blocked accounts also join C(blocked), and online accounts (SIP-registered,
    or on a call now) join C(online). Group names are made safe the way Ansible does it (C(Hosted PBX Seat) gives
    C(product_Hosted_PBX_Seat))."
  - "Requests grow with customers, not accounts: one request lists the customers and their sites, one per customer
    reads its accounts, and one reads the live calls of all of them. O(sip_status) and O(cdr_statistics_days) add one
    request per customer each. Customers are read concurrently, at most O(max_workers) at a time."
  - The inventory source is a YAML file whose name ends in C(portaplus.yml), C(portaplus.yaml),
    C(portaplus_accounts.yml) or C(portaplus_accounts.yaml), and whose O(plugin) is V(portaplus.softswitch.accounts).
  - Set the License in the E(PORTAPLUS_LICENSE) environment variable rather than in the file.
extends_documentation_fragment:
  - portaplus.softswitch.connection
  - portaplus.softswitch.connection.plugins
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; the file must say V(portaplus.softswitch.accounts).
    type: str
    required: true
    choices: [portaplus.softswitch.accounts]
  customers:
    description:
      - The customer ids whose accounts become hosts.
      - When omitted, every customer the License sees.
      - An id the License does not see fails the run, naming this option, before any account is read.
    type: list
    elements: int
  sip_status:
    description:
      - Also read each customer's SIP registrations (one more request per customer) and set C(sip_registered).
      - When V(false), C(sip_registered) is V(null) (not known) and C(online) means on a call now.
    type: bool
    default: false
  cdr_statistics_days:
    description:
      - When greater than V(0), add C(cdr_statistics) to every host, with its calls and seconds, outgoing and incoming,
        over the last this many days. This costs one C(GetAccountCDRStatistics) request per customer.
      - V(0) (the default) reads no statistics. At most V(366).
    type: int
    default: 0
  max_workers:
    description:
      - How many customers are read at the same time, from V(1) to V(16).
    type: int
    default: 4
notes:
  - With O(cache=true) a second run within O(cache_timeout) sends no request at all. The cache holds the host
    variables only; its key is derived from the inventory file's path and a keyed digest (HMAC-SHA256) of the URL,
    License and options, so a different License never reads another's cache, and a cache name gives no License
    back. The digest's random key is made once, mode 0600, in C(.portaplus-cache-key) beside the cache (in
    O(cache_connection), else in Ansible's home folder). Use C(--flush-cache) to read afresh.
seealso:
  - module: portaplus.softswitch.customer_info
  - plugin: portaplus.softswitch.active_calls
    plugin_type: lookup
'''

EXAMPLES = r'''
# portaplus.yml: every account of every customer the License sees.
# PORTAPLUS_URL and PORTAPLUS_LICENSE come from the environment:
#   ansible-inventory -i portaplus.yml --graph
plugin: portaplus.softswitch.accounts

# portaplus.yml: two customers, SIP registrations, 30 days of call statistics, cached for an hour,
# extra groups and variables.
# plugin: portaplus.softswitch.accounts
# url: https://api.example.com
# validate_certs: true
# ca_path: /etc/ssl/certs/internal-ca.pem
# timeout: 10
# retries: 2
# customers: [1001, 1002]
# sip_status: true
# cdr_statistics_days: 30
# max_workers: 2
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/portaplus-inventory
# cache_timeout: 3600
# compose:
#   ansible_host: "'sip.example.com'"
#   talk_minutes: cdr_statistics.seconds // 60
# groups:
#   busy: live_calls > 1
#   with_recording: "'Call Recording' in addons"
# keyed_groups:
#   - key: bill_status
#     prefix: bill
# strict: true
'''


import os

from jinja2 import Environment
from jinja2.exceptions import TemplateSyntaxError

from ansible import constants as C
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.portaplus.softswitch.plugins.module_utils.inventory import cache_digest, cache_key_secret, default_groups, read_inventory
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import ConnectionOptionError
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import check_given_options, client_from_plugin
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.plugin_errors import plugin_errors

_FILE_ENDINGS = ("portaplus.yml", "portaplus.yaml", "portaplus_accounts.yml", "portaplus_accounts.yaml")
_READ_OPTIONS = ("customers", "sip_status", "cdr_statistics_days")
_SYNTAX = Environment()


def _expression_problem(expression):
    """Why a compose/groups/keyed_groups expression cannot be read, or None (even when strict is false,
    under which ansible-core skips a broken expression silently for every host)."""
    if not isinstance(expression, str):
        return None         # a number or a boolean stands for itself
    try:
        _SYNTAX.parse("{{ %s }}" % expression)
    except TemplateSyntaxError as exc:
        return "%r is not a valid expression: %s" % (expression, exc.message)
    return None


def check_constructed(source):
    """compose, groups and keyed_groups as the source gives them: each entry readable, before any request.
    Raises ConnectionOptionError naming the option and the entry."""
    problems = []
    for option in ("compose", "groups"):
        entries = source.get(option)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            problems.append("%s: must be a mapping of names to expressions" % option)
            continue
        for key, expression in entries.items():
            problem = _expression_problem(expression)
            if problem:
                problems.append("%s.%s: %s" % (option, key, problem))
    keyed = source.get("keyed_groups")
    if keyed is not None:
        if not isinstance(keyed, list):
            problems.append("keyed_groups: must be a list of entries with a key")
        else:
            for index, entry in enumerate(keyed):
                if not isinstance(entry, dict) or "key" not in entry:
                    problems.append("keyed_groups[%d]: must be a mapping with a key (an expression)" % index)
                    continue
                problem = _expression_problem(entry["key"])
                if problem:
                    problems.append("keyed_groups[%d].key: %s" % (index, problem))
    if problems:
        raise ConnectionOptionError("; ".join(problems))


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "portaplus.softswitch.accounts"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(_FILE_ENDINGS)

    def _cache_key(self, path):
        """The path's key plus a keyed digest of what decides the data, so another License, URL or customer
        list never reads this cache, and the name gives no License back to whoever guesses (the key is random,
        made once, 0600, beside the cache). A digest only: the cache never holds the License."""
        decisive = [self.get_option(name) for name in ("url", "license") + _READ_OPTIONS]
        connection = self.get_option("cache_connection")
        directory = os.path.expanduser(str(connection)) if connection else ""
        if not os.path.isdir(directory):      # a cache without a folder (memory, redis): beside Ansible's own files
            directory = os.path.expanduser(C.config.get_config_value("ANSIBLE_HOME"))
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory, 0o700)
            key = cache_key_secret(directory)
        except (OSError, ValueError) as exc:
            raise AnsibleParserError("portaplus.softswitch.accounts: cache_connection: cannot keep the cache's key in "
                                     "%s: %s" % (directory, getattr(exc, "strerror", None) or exc))
        return "%s_%s" % (self.get_cache_key(path), cache_digest(key, decisive))

    def _fetch(self):
        with plugin_errors(AnsibleParserError, self.NAME):
            client = client_from_plugin(self)
        redact = client.redact
        client.close()

        def client_factory():
            return client_from_plugin(self)

        with plugin_errors(AnsibleParserError, self.NAME, redact):
            return read_inventory(client_factory, customers=self.get_option("customers"),
                                  sip_status=self.get_option("sip_status"),
                                  cdr_statistics_days=self.get_option("cdr_statistics_days"),
                                  max_workers=self.get_option("max_workers"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        source = self._read_source(path)
        with plugin_errors(AnsibleParserError, self.NAME):
            # before the cache too: ansible-core reads `sip_status: [1]` as false, which a cached run may match;
            # and unknown keys (`customer:` for `customers:`) would be dropped, widening the inventory
            check_given_options(self, source)
            check_constructed(source)
        use_cache = self.get_option("cache")
        cache_key = self._cache_key(path) if use_cache else None
        hosts = None
        if use_cache and cache:
            try:
                hosts = self._cache[cache_key]
            except KeyError:
                hosts = None
        if hosts is None:
            hosts = self._fetch()
            if use_cache:
                try:
                    self._cache[cache_key] = hosts
                except (AnsibleError, OSError) as exc:
                    raise AnsibleParserError("portaplus.softswitch.accounts: cache_connection: could not write the "
                                             "cache (%s): %s" % (self.get_option("cache_plugin"), exc))
        self._populate(hosts)

    def _read_source(self, path):
        """The source file's keys; a cache that cannot be used fails naming its option (ansible-core's own
        messages name neither the option nor, for a missing plugin, what to do)."""
        try:
            source = self._read_config_data(path)
        except AnsibleParserError:
            raise
        except AnsibleError as exc:
            if not self.get_option("cache"):
                raise
            problem = self._cache_problem(exc)
            raise AnsibleParserError("portaplus.softswitch.accounts: %s" % problem)
        problem = self._cache_problem() if self.get_option("cache") else None
        if problem:
            raise AnsibleParserError("portaplus.softswitch.accounts: %s" % problem)
        return source

    def _cache_problem(self, exc=None):
        """What is wrong with the cache options, naming the option (None when nothing is known to be)."""
        plugin = self.get_option("cache_plugin")
        connection = self.get_option("cache_connection")
        if connection and os.path.exists(os.path.expanduser(str(connection))) and \
                not os.path.isdir(os.path.expanduser(str(connection))):
            problem = "cache_connection: %s is not a directory; the cache plugin %s keeps its files in one" % (
                connection, plugin)
        elif exc is None:
            problem = None
        elif "Unable to load the cache plugin" in str(exc):
            problem = "cache_plugin: %s is not a cache plugin Ansible can load (for example ansible.builtin.jsonfile)" % (
                plugin,)
        else:
            problem = "cache_connection: the cache plugin %s cannot use %s: %s" % (plugin, connection, exc)
        return problem

    def _populate(self, hosts):
        strict = self.get_option("strict")
        compose = self.get_option("compose")
        groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        safe_names = {}
        inventory = self.inventory
        constructed = (("compose", compose, self._set_composite_vars),
                       ("groups", groups, self._add_host_to_composed_groups),
                       ("keyed_groups", keyed_groups, self._add_host_to_keyed_groups))
        for name, hostvars in hosts.items():
            inventory.add_host(name)
            for key, value in hostvars.items():
                inventory.set_variable(name, key, value)
            for group in default_groups(hostvars):
                safe = safe_names.get(group)
                if safe is None:
                    safe = safe_names[group] = inventory.add_group(self._sanitize_group_name(group))
                inventory.add_child(safe, name)
            for option, value, construct in constructed:
                if not value:
                    continue
                try:
                    construct(value, hostvars, name, strict=strict)
                except AnsibleError as exc:
                    raise AnsibleParserError("portaplus.softswitch.accounts: %s: %s" % (option, exc))
