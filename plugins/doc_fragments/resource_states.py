# -*- coding: utf-8 -*-
# Copyright (c) portaplus.softswitch contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The states and safeguards shared by the resource modules, documented once."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # For the list modules (accounts, extensions): netcommon's resource-module vocabulary.
    DOCUMENTATION = r'''
options:
  state:
    description:
      - C(merged) creates the objects in O(config) that do not exist and changes only the fields you supplied on the ones that do.
      - C(replaced) is C(merged), but fields you left out of an object in O(config) are reset to their defaults.
      - C(overridden) is C(replaced), and objects of the scope that are not in O(config) are removed (within O(max_deletions)).
        An empty O(config) (V([])) is refused, because a variable that came out empty would otherwise remove everything.
      - C(deleted) removes the objects listed in O(config). An empty list removes nothing.
        Omitting O(config) is the one way to remove every object of the scope (still within O(max_deletions)).
      - C(gathered) only reads; the objects of the scope are returned in RV(gathered) in exactly the shape O(config) takes,
        so feeding them back changes nothing. Read-only facts (ids, dates, balances) are in RV(facts), beside them.
    type: str
    choices: [merged, replaced, overridden, deleted, gathered]
    default: merged
  max_deletions:
    description:
      - The most objects a run with O(state=overridden) or O(state=deleted) may remove.
      - When the run would remove more, it fails before making any change and says how many would go and which.
      - The default V(0) means you must state how many removals you expect.
    type: int
    default: 0
attributes:
  check_mode:
    support: full
    description: Nothing is written; the result predicts what a real run would report, including RV(changed).
  diff_mode:
    support: full
    description:
      - Shows the before and after of every object that changes, one diff per object headed by its name
        (for example C(account 441632960001 (changed))), as YAML text keyed by it, with secrets masked.
  platform:
    support: full
    platforms: all
    description: Runs on the controller or any host with Python and C(requests); it only talks HTTP(S) to the API.
'''

    # For the single-object modules (account, extension, account_addon).
    SINGLE = r'''
attributes:
  check_mode:
    support: full
    description: Nothing is written; the result predicts what a real run would report, including RV(changed).
  diff_mode:
    support: full
    description: Shows the before and after of the object, headed by its name, as YAML text, with secrets masked.
  platform:
    support: full
    platforms: all
    description: Runs on the controller or any host with Python and C(requests); it only talks HTTP(S) to the API.
'''

    # For the read-only modules (*_info).
    INFO = r'''
attributes:
  check_mode:
    support: full
    description: The module only reads, so it runs unchanged in check mode.
  diff_mode:
    support: none
    description: The module only reads; there is nothing to compare.
  platform:
    support: full
    platforms: all
    description: Runs on the controller or any host with Python and C(requests); it only talks HTTP(S) to the API.
'''
