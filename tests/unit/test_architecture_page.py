"""docs/architecture.md describes the tree as it is: every plugin file, role and playbook is named in
its layout, and each route template is written once in plugins/module_utils."""
import ast
import collections
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = os.path.join(REPO, "docs", "architecture.md")


def layout_names(text):
    """The words of the page's Layout block (the first ```text block after '## Layout')."""
    block = text.split("## Layout", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    return set(word.rstrip(",") for word in re.split(r"[\s,]+", block) if word)


def tree_entries(root):
    """What the layout must name: each plugin file by its path inside its plugin directory
    (``api/errors.py``, ``cdrs.py``), each role as ``name/``, each playbook."""
    entries = []
    plugins = os.path.join(root, "plugins")
    for kind in sorted(os.listdir(plugins)):
        base = os.path.join(plugins, kind)
        for folder, _dirs, files in os.walk(base):
            for name in files:
                if name.endswith(".py") and name != "__init__.py" and "__pycache__" not in folder:
                    entries.append(os.path.relpath(os.path.join(folder, name), base).replace(os.sep, "/"))
    entries += [name + "/" for name in os.listdir(os.path.join(root, "roles"))]
    entries += [name for name in os.listdir(os.path.join(root, "playbooks")) if name.endswith(".yml")]
    return entries


def missing_from_page(text, entries):
    names = layout_names(text)
    return sorted(entry for entry in entries if entry not in names)


def test_every_plugin_file_role_and_playbook_is_named_in_the_layout():
    with open(PAGE) as handle:
        text = handle.read()
    assert missing_from_page(text, tree_entries(REPO)) == []


def test_a_file_left_out_of_the_page_is_found():
    with open(PAGE) as handle:
        text = handle.read()
    assert missing_from_page(text, ["api/errors.py", "hunt_group.py", "hunt_groups/"]) == ["hunt_group.py", "hunt_groups/"]


def route_templates(root):
    """``{template: [file:line, ...]}`` of every ``Route(method, template, ...)`` in plugins/module_utils."""
    found = collections.defaultdict(list)
    base = os.path.join(root, "plugins", "module_utils")
    for folder, _dirs, files in os.walk(base):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            with open(path) as handle:
                tree = ast.parse(handle.read())
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Route" and len(node.args) > 1
                        and isinstance(node.args[1], ast.Constant)):
                    found[node.args[1].value].append("%s:%d" % (os.path.relpath(path, root), node.lineno))
    return found


def test_each_route_template_is_written_once():
    templates = route_templates(REPO)
    assert len(templates) > 20  # the scan sees the routes
    assert dict((template, places) for template, places in templates.items() if len(places) > 1) == {}
