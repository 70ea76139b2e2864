# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glue between AnsibleModule and the declarative engine, so resource modules stay a spec.

A module file declares its options and calls ``run_resource_module``; argument specs for the
list form (``config`` + ``state`` + ``max_deletions``) and the single-object form are built
here once, and every error becomes a secret-free ``fail_json``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

from ansible.module_utils import basic

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import PortaPlusError
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.options import (
    client_from_module, connection_argument_spec, fail_from_error)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.resource import (
    STATES, SINGLE_STATES, Engine, IncompleteChangeError, InputError, run_single)


@contextlib.contextmanager
def failures_reported(module, client, dest_option=None):
    """Turn every expected error into a secret-free fail_json: the one path from errors to module failures.

    ``dest_option`` names the option of the one file a module writes: nothing reaches it unless the
    work succeeds, so API and file failures say it was left as it was, and any ``ValueError`` is input.
    """
    try:
        yield
    except InputError as exc:
        module.fail_json(msg=client.redact(str(exc)), changed=False)
    except IncompleteChangeError as exc:
        # changed is exact: true iff something was committed, or may have been (H5)
        module.fail_json(msg=client.redact(str(exc)), changed=exc.changed,
                         unconfirmed=[client.redact(item) for item in exc.unconfirmed])
    except PortaPlusError as exc:
        if dest_option:
            module.fail_json(msg=client.redact("%s; %s was left as it was" % (exc, module.params.get(dest_option))),
                             changed=False, status=exc.status, field_errors=exc.field_errors)
        else:
            fail_from_error(module, exc, changed=False)
    except ValueError as exc:
        if dest_option:
            module.fail_json(msg=client.redact(str(exc)), changed=False)
        else:
            fail_from_error(module, exc, changed=False)
    except (IOError, OSError) as exc:
        if not dest_option:
            raise
        module.fail_json(msg=client.redact("%s: could not write %s: %s; the file was left as it was" % (
            dest_option, module.params.get(dest_option), exc)), changed=False)


def info_argument_spec(**options):
    spec = connection_argument_spec()
    spec.update(options)
    return spec


def run_info_module(module, read):
    """Read-only modules: ``read(client, params)`` returns the result's keys."""
    client = client_from_module(module)
    with failures_reported(module, client):
        result = read(client, module.params)
    module.exit_json(changed=False, **result)


def run_file_module(module, work, dest_option="dest"):
    """Modules that write one file: ``work(client, params, check_mode)`` returns the result's keys.

    Nothing reaches ``dest`` unless the work succeeds (files are renamed into place once whole),
    so an API or file failure says the file was left as it was.
    """
    client = client_from_module(module)
    with failures_reported(module, client, dest_option), client:
        result = work(client, module.params, module.check_mode)
    module.exit_json(**result)


def list_argument_spec(item_options, **scope_options):
    spec = connection_argument_spec()
    spec.update(scope_options)
    spec.update(
        config=dict(type="list", elements="dict", options=item_options),
        state=dict(type="str", default="merged", choices=list(STATES)),
        max_deletions=dict(type="int", default=0),
    )
    return spec


def list_module(argument_spec):
    """The AnsibleModule of a list module (from ``list_argument_spec``).

    A ``config`` that is not a list fails naming config and the value: ansible-core's own first
    message for ``config: "301"`` ("dictionary requested, could not parse JSON or key=value")
    names no option.  The value is left out when the items hold a secret (a password).
    """
    given = (basic._load_params() or {}).get("config")  # pylint: disable=protected-access
    if given is None or isinstance(given, list):
        return basic.AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    # config as given, so the module can fail itself, with every other option checked as usual
    module = basic.AnsibleModule(argument_spec=dict(argument_spec, config=dict(type="raw")), supports_check_mode=True)
    secret = any(option.get("no_log") for option in argument_spec["config"]["options"].values())
    module.fail_json(msg=str(InputError("config", "must be a list of dicts, one per item, not a %s"
                                        % type(given).__name__, given, show_value=not secret)), changed=False)
    return None


def single_argument_spec(item_options, **scope_options):
    spec = connection_argument_spec()
    spec.update(scope_options)
    spec.update(item_options)
    spec.update(state=dict(type="str", default="present", choices=list(SINGLE_STATES)))
    return spec


def run_resource_module(module, build_spec, single=False):
    """Build the client and the spec, run the engine, and exit or fail the module.

    Secrets need no handling here: client_from_module registers every no_log value (the
    License, passwords in options and suboptions) for redaction.
    """
    client = client_from_module(module)
    with failures_reported(module, client):
        spec = build_spec(client, module.params)
        if single:
            item = dict((name, module.params.get(name)) for name in [spec.key] + list(spec.fields))
            result = run_single(spec, item, module.params["state"], check_mode=module.check_mode)
        else:
            # The rules on config (required, empty list, omitted with deleted) live in the engine (H4).
            result = Engine(spec).run(module.params.get("config"), module.params["state"],
                                      check_mode=module.check_mode,
                                      max_deletions=module.params.get("max_deletions"))
    if not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)
