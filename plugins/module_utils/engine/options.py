# -*- coding: utf-8 -*-
# Copyright: portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one definition of the connection options, adapted for modules and for plugins.

``CONNECTION_OPTIONS`` is the table; ``connection_argument_spec()`` and
``client_from_module()`` serve modules, ``client_from_plugin()`` serves lookup and
inventory plugins (which declare the options through the
``portaplus.softswitch.connection.plugins`` doc fragment).  The options are documented
once, in ``plugins/doc_fragments/connection.py``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import math
import os
from urllib.parse import urlsplit, urlunsplit

from ansible.module_utils import basic
from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.portaplus.softswitch.plugins.module_utils.api.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    PathValueError,
    PortaPlusClient,
    PortaPlusError,
    http_url_parts,
    license_problem,
)
from ansible_collections.portaplus.softswitch.plugins.module_utils.api.errors import (
    MASK, ConnectionOptionError, InputError)
from ansible_collections.portaplus.softswitch.plugins.module_utils.engine.fields import check_option_type

#: The connection options: name -> type, default, required, no_log, env var, inventory/play var.
CONNECTION_OPTIONS = {
    "url": {"type": "str", "required": True, "env": "PORTAPLUS_URL", "var": "portaplus_url"},
    "license": {"type": "str", "required": True, "no_log": True, "env": "PORTAPLUS_LICENSE", "var": "portaplus_license"},
    "validate_certs": {"type": "bool", "default": True},
    "ca_path": {"type": "path"},
    "timeout": {"type": "float", "default": 30},
    "retries": {"type": "int", "default": 3},
}

#: The module_defaults action group every module of the collection belongs to.
ACTION_GROUP = "group/portaplus.softswitch.api"


def connection_argument_spec():
    """AnsibleModule ``argument_spec`` entries for the connection options (a new dict each call).

    ``url`` becomes ``no_log`` when the URL this module run receives carries user-info: AnsibleModule then
    masks it in every result, ``invocation.module_args`` included, even when another option fails argument
    validation before any of our code runs (at -vvvv a failure shows the module's arguments). The run
    still fails: ``client_kwargs`` refuses user-info.
    """
    spec = {}
    for name, option in CONNECTION_OPTIONS.items():
        # Not ``required`` here: client_kwargs() reports a missing url or license naming its variable too.
        entry = {"type": option["type"]}
        if "default" in option:
            entry["default"] = option["default"]
        if option.get("no_log"):
            entry["no_log"] = True
        if option.get("env"):
            entry["fallback"] = (env_fallback, [option["env"]])
        spec[name] = entry
    if _given_url_has_user_info():
        spec["url"]["no_log"] = True
    return spec


def _given_url_has_user_info():
    """Whether the url this module run receives (its argument, else PORTAPLUS_URL) carries user-info."""
    if basic._ANSIBLE_ARGS is None:  # pylint: disable=protected-access
        return False        # not a module run (a unit test, the documentation tools): no arguments to read
    try:
        url = (basic._load_params() or {}).get("url")  # pylint: disable=protected-access
    except Exception:  # pylint: disable=broad-except
        return False        # AnsibleModule reports unreadable arguments itself
    if url is None:
        url = os.environ.get(CONNECTION_OPTIONS["url"]["env"])
    try:
        return url_user_info(url or "") is not None
    except ValueError:
        return "@" in u"%s" % url


def url_user_info(url):
    """The ``user:password`` part of a URL (its user-info), or None."""
    netloc = urlsplit(u"%s" % url).netloc if "://" in u"%s" % url else ""
    return netloc.rpartition("@")[0] if "@" in netloc else None


def _shown_url(url):
    """The URL for an error message, with any user-info in it left out."""
    try:
        info = url_user_info(url)
        if info is not None:
            parts = urlsplit(url)
            netloc = parts.netloc.split("@")[-1]
            return urlunsplit((parts.scheme, MASK + "@" + netloc, parts.path, parts.query, parts.fragment))
    except ValueError:
        pass
    return url


def client_kwargs(values):
    """Validate raw option values (a dict) and return ``PortaPlusClient`` keyword arguments.

    Raises ``ConnectionOptionError`` naming the option and the value (never the license).
    """
    errors = []
    url = values.get("url")
    url = "" if url is None else str(url).strip()
    if not url:
        errors.append("url is required: set the url option or the PORTAPLUS_URL environment variable")
    else:
        if http_url_parts(url) is None:
            errors.append("url must be an http:// or https:// URL with a host name, got '%s'" % _shown_url(url))
        elif url_user_info(url) is not None:
            # The License authenticates every request; a password in the URL would be shown wherever the url is (H7).
            errors.append("url must not contain a user name or password (user-info before '@'), got '%s'; "
                          "the License authenticates the requests" % _shown_url(url))

    license_value = values.get("license")
    license_value = "" if license_value is None else str(license_value).strip()
    if not license_value:
        errors.append("license is required: set the license option or the PORTAPLUS_LICENSE environment variable")
    elif license_problem(license_value):
        errors.append(license_problem(license_value))

    validate_certs = values.get("validate_certs")
    if validate_certs is None:
        validate_certs = CONNECTION_OPTIONS["validate_certs"]["default"]
    try:
        validate_certs = boolean(validate_certs, strict=True)
    except TypeError:
        errors.append("validate_certs must be a boolean, got '%s'" % (validate_certs,))

    ca_path = values.get("ca_path") or None
    if ca_path is not None:
        ca_path = os.path.expanduser(str(ca_path))
        if not os.path.exists(ca_path):
            errors.append("ca_path '%s' does not exist" % ca_path)

    timeout = values.get("timeout")
    if timeout is None:
        timeout = CONNECTION_OPTIONS["timeout"]["default"]
    try:
        if isinstance(timeout, bool):
            raise ValueError(timeout)
        timeout = float(timeout)
        if timeout <= 0 or math.isinf(timeout) or math.isnan(timeout):
            raise ValueError(timeout)
    except (TypeError, ValueError):
        errors.append("timeout must be a number of seconds greater than 0, got '%s'" % (values.get("timeout"),))

    retries = values.get("retries")
    if retries is None:
        retries = CONNECTION_OPTIONS["retries"]["default"]
    try:
        if isinstance(retries, bool) or (isinstance(retries, float) and not retries.is_integer()):
            raise ValueError(retries)
        retries = int(retries)
        if retries < 0:
            raise ValueError(retries)
    except (TypeError, ValueError):
        errors.append("retries must be an integer of 0 or more, got '%s'" % (values.get("retries"),))

    if errors:
        message = "; ".join(errors)
        if license_value:
            message = message.replace(license_value, MASK)
        raise ConnectionOptionError(message)
    return {
        "url": url,
        "license": license_value,
        "validate_certs": validate_certs,
        "ca_path": ca_path,
        "timeout": timeout,
        "retries": retries,
    }


def client_from_module(module, **client_options):
    """Build the client from an AnsibleModule's connection options, or ``fail_json`` clearly.

    Every ``no_log`` value the module knows (e.g. passwords) becomes a client secret, and the
    client's per-request log lines go to ``module.debug``.  ``client_options`` (e.g.
    ``backoff_factor``) are passed on to ``PortaPlusClient``.
    """
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        return None
    try:
        info = url_user_info(module.params.get("url") or "")
    except ValueError:
        info = None
    if info:
        # url is not a no_log option, so Ansible would echo it in invocation.module_args (-vvvv); register the
        # user-info as a no_log value first, so every result, including this failure, masks it.
        module.no_log_values.update(part for part in [info] + info.split(":") if len(part) > 2)
    try:
        kwargs = client_kwargs({name: module.params.get(name) for name in CONNECTION_OPTIONS})
    except ConnectionOptionError as exc:
        module.fail_json(msg=str(exc), changed=False)
        return None
    kwargs.update(client_options)
    client = PortaPlusClient(**kwargs)
    for value in getattr(module, "no_log_values", None) or ():
        client.add_secret(value)
    debug = getattr(module, "debug", None)
    if callable(debug):
        client.log = debug
    return client


def check_given_options(plugin, given):
    """Check the option values a lookup or inventory plugin was given (lookup keyword arguments, the
    inventory source's keys) against the types its documentation declares, before ansible-core
    converts them: ``get_option()`` returns ``retries: true`` as 1 and ``sip_status: [1]`` as false.

    Raises ``ConnectionOptionError`` naming the option and the value (never the license).
    """
    if not given:
        return
    definitions = plugin.option_definitions or {}
    check_known_options(definitions, given)
    errors = []
    for name, value in given.items():
        try:
            check_option_type(name, (definitions.get(name) or {}).get("type"), value)
        except InputError as exc:
            errors.append(str(exc))
    if errors:
        raise ConnectionOptionError("; ".join(errors))


#: The longest option name a message repeats (a key may be anything a user's file holds).
_NAME_SHOWN = 60


def check_known_options(definitions, given):
    """Refuse names that are not options of the plugin (``definitions``): ansible-core drops them silently,
    and a misspelt filter (``outgoing_onyl``, ``customer`` for ``customers``) would widen the result.
    Raises ``ConnectionOptionError`` naming each one, with the closest option; values are never shown."""
    known = sorted(name for name in definitions if not name.startswith("_"))
    problems = []
    for name in sorted(set(given) - set(definitions), key=str):
        text = u"%s" % (name,)
        shown = text if len(text) <= _NAME_SHOWN else text[:_NAME_SHOWN] + "..."
        close = difflib.get_close_matches(text, known, n=1, cutoff=0.6)
        problems.append("unknown option '%s'%s" % (shown, " (did you mean '%s'?)" % close[0] if close else ""))
    if problems:
        raise ConnectionOptionError("%s; the options are %s" % ("; ".join(problems), ", ".join(known)))


def client_from_plugin(plugin, given=None, **client_options):
    """Build the client from a lookup/inventory plugin's ``get_option()`` values.

    ``given`` holds the option values as the plugin received them (see ``check_given_options``).
    Raises ``ConnectionOptionError`` with a clear, secret-free message; the plugin turns it into
    an ``AnsibleError`` (module_utils may not import ansible.errors).
    """
    if not HAS_REQUESTS:
        raise ConnectionOptionError(missing_required_lib("requests"))
    check_given_options(plugin, given)
    values = {}
    for name in CONNECTION_OPTIONS:
        try:
            values[name] = plugin.get_option(name)
        except KeyError:
            values[name] = None
    try:
        kwargs = client_kwargs(values)
    except ConnectionOptionError as exc:
        message = str(exc)
    else:
        kwargs.update(client_options)
        return PortaPlusClient(**kwargs)
    raise ConnectionOptionError(message)


def fail_from_error(module, exc, **result):
    """``module.fail_json`` for a client error: redacted message, HTTP status and field errors."""
    kwargs = dict(result)
    if isinstance(exc, (PortaPlusError, PathValueError)):
        kwargs["msg"] = str(exc)
    else:
        kwargs["msg"] = "%s: %s" % (type(exc).__name__, exc)
    kwargs["status"] = getattr(exc, "status", None)
    kwargs["field_errors"] = list(getattr(exc, "field_errors", None) or [])
    module.fail_json(**kwargs)
