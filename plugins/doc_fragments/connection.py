# -*- coding: utf-8 -*-
# Copyright: portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


# The options are documented once, in DOCUMENTATION. Lookups and inventories extend it with PLUGINS,
# which adds only where else they read each option from: ansible-core merges the two per option.
class ModuleDocFragment(object):
    """Connection options of every module (DOCUMENTATION) and of every lookup/inventory plugin (both)."""

    # Modules: extends_documentation_fragment: [portaplus.softswitch.connection]
    # Lookups and inventories: [portaplus.softswitch.connection, portaplus.softswitch.connection.plugins]
    DOCUMENTATION = r'''
options:
  url:
    description:
      - Base URL of the Porta Plus 2 Web Services, for example C(https://api.example.com).
      - Must start with C(http://) or C(https://); a path prefix is kept, a trailing slash is ignored.
      - Required, here or in the E(PORTAPLUS_URL) environment variable, which is used when this is not set
        (lookups and the inventory also read the V(portaplus_url) variable).
    type: str
  license:
    description:
      - The License key of the reseller. It selects the data the API shows and acts on.
      - Required, here or in the E(PORTAPLUS_LICENSE) environment variable, which is used when this is not set
        (lookups and the inventory also read the V(portaplus_license) variable).
      - Never shown in results, messages or logs; it is replaced by C(********), and so is every piece of it of
        4 characters or more that a server sends back.
      - A License containing C(%), C(/), a backslash, C(?), C(#), a blank or a control character is refused before any
        request, without being shown, because a server may decode or split the URL path at those characters.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate.
      - Set to V(false) only for test servers with self-signed certificates; prefer O(ca_path).
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file (or a directory prepared with C(c_rehash)) of CA certificates used to verify the server's
        certificate instead of the default trust store.
    type: path
  timeout:
    description:
      - Seconds to wait for the connection to be made and, separately, for the server to answer, per HTTP request.
      - An integer or a decimal number greater than 0.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is repeated after a connection error, a timeout or an HTTP status 429, 502, 503 or 504,
        with exponential backoff, where repeating is safe.
      - Reads are repeated. A request that changes data is repeated only when it certainly did not reach the server
        (the connection could not be made) or when the server asked for it (429 or 503 with C(Retry-After)); otherwise
        the module reads the current state back instead of sending the change again. Lookups and inventories only
        read.
      - V(0) disables retries.
    type: int
    default: 3
notes:
  - Requests honour the usual proxy environment variables (C(HTTPS_PROXY), C(HTTP_PROXY), C(NO_PROXY)).
  - The options of modules can be set for all modules of the collection at once with C(module_defaults) and the
    action group C(group/portaplus.softswitch.api).
requirements:
  - requests >= 2.28 (Python library on the host that runs the task; for lookups and inventories, the controller)
'''

    # Lookups and inventories: where else each option is read from (merged into DOCUMENTATION's options).
    PLUGINS = r'''
options:
  url:
    env:
      - name: PORTAPLUS_URL
    vars:
      - name: portaplus_url
  license:
    env:
      - name: PORTAPLUS_LICENSE
    vars:
      - name: portaplus_license
'''
