"""Build or lint the antsibull-docs docsite from the plugins' documentation and the Markdown pages.

The hand-written pages are Markdown (GitHub and Galaxy show them as they are); antsibull-docs
reads extra docs only as RST from ``docs/docsite/rst/``. So both commands work on a staged
copy of the collection (git-tracked and new files, under ``.build/docsite/``) in which every
page that ``docs/docsite/extra-docs.yml`` names is converted from Markdown with pandoc:

* a ``ref`` NAME is the page ``docs/NAME.md``, or one of SOURCES below (pages that live
  elsewhere in the repository); its RST label is ``ansible_collections.portaplus.softswitch.docsite.NAME``;
* links between pages become Sphinx references, so a broken one is a build error.

``lint``  runs ``antsibull-docs lint-collection-docs --plugin-docs`` on the staged copy, and
          checks that every ``docs/*.md`` page is listed in extra-docs.yml.
``build`` writes the HTML site to ``docs/build/html`` with Sphinx in nitpicky ``-W`` mode and
          no intersphinx (it works offline); any documentation error fails it.
"""
import os
import re
import shutil
import subprocess
import sys

import pypandoc
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTION = "portaplus.softswitch"
LABEL_PREFIX = "ansible_collections.%s.docsite." % COLLECTION
EXTRA_DOCS = "docs/docsite/extra-docs.yml"
STAGE = os.path.join(REPO, ".build", "docsite")
BIN = os.path.dirname(sys.executable)
# Pages kept outside docs/ (the README is the quick start; each area's README stays beside it).
SOURCES = {"quickstart": "README.md", "benchmarks": "benchmarks/README.md"}
ANSIBLE_DOCS = "https://docs.ansible.com/ansible/latest/"
ANSIBLE_DOCS_LABELS = {
    "action_plugins": ("Action plugins", "plugins/action.html"),
    "ansible_configuration_settings": ("Ansible configuration settings", "reference_appendices/config.html"),
    "callback_plugins": ("Callback plugins", "plugins/callback.html"),
    "collections_keyword": ("The collections keyword", "collections_guide/collections_using_playbooks.html"),
    "common_return_values": ("Common return values", "reference_appendices/common_return_values.html"),
    "list_of_callback_plugins": ("Callback plugins", "plugins/callback.html"),
    "list_of_collections": ("Collections", "collections/index.html"),
}
MD_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)\)")


def page_source(name):
    return SOURCES.get(name, "docs/%s.md" % name)


def listed_pages():
    with open(os.path.join(REPO, EXTRA_DOCS), encoding="utf-8") as handle:
        index = yaml.safe_load(handle)
    names = []
    for section in index.get("sections", []):
        for entry in section.get("toctree", []):
            names.append(entry["ref"] if isinstance(entry, dict) else entry)
    return names


def source_to_page():
    """Repository path of each listed page -> its page name."""
    return {os.path.normpath(page_source(name)): name for name in listed_pages()}


def rewrite_link(text, target, source, pages):
    """RST for a Markdown link, or None to keep pandoc's own rendering."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return None                                  # absolute URL or an anchor on this page
    path = os.path.normpath(os.path.join(os.path.dirname(source), target.split("#", 1)[0]))
    if path in pages:
        return ":ref:`%s <%s%s>`" % (text or pages[path], LABEL_PREFIX, pages[path])
    # A file of the repository that is not a docsite page: name it, it cannot be linked.
    return "%s (``%s``)" % (text, path) if text and text != path else "``%s``" % path


def markdown_to_rst(name, pages):
    """Links become placeholders before pandoc lays out tables, and RST after."""
    source = page_source(name)
    with open(os.path.join(REPO, source), encoding="utf-8") as handle:
        markdown = handle.read()
    replacements = []

    def placeholder(match):
        rst = rewrite_link(match.group(1), match.group(2), source, pages)
        if rst is None:
            return match.group(0)
        replacements.append(rst)
        return "LINK%04dX%s" % (len(replacements) - 1, "x" * max(0, len(rst) - 9))

    markdown = MD_LINK.sub(placeholder, markdown)
    rst = pypandoc.convert_text(markdown, "rst", format="gfm-gfm_auto_identifiers", extra_args=["--wrap=none"])
    rst = re.sub(r"LINK(\d{4})Xx*", lambda match: replacements[int(match.group(1))], rst)
    return ".. _%s%s:\n\n%s" % (LABEL_PREFIX, name, rst)


def stage():
    """A copy of the collection with docs/docsite/rst/ generated; returns its directory."""
    target = os.path.join(STAGE, "ansible_collections", "portaplus", "softswitch")
    shutil.rmtree(target, ignore_errors=True)
    listing = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                             cwd=REPO, check=True, capture_output=True).stdout.decode()
    for relative in filter(None, listing.split("\0")):
        if relative.startswith(("sandbox/", "tests/", "benchmarks/", ".build/")):
            continue
        source = os.path.join(REPO, relative)
        if os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(target, relative)), exist_ok=True)
            shutil.copy2(source, os.path.join(target, relative))
    pages = source_to_page()
    rst_dir = os.path.join(target, "docs", "docsite", "rst")
    os.makedirs(rst_dir, exist_ok=True)
    for name in pages.values():
        with open(os.path.join(rst_dir, name + ".rst"), "w", encoding="utf-8") as handle:
            handle.write(markdown_to_rst(name, pages))
    return target


def unlisted_pages():
    listed = set(source_to_page())
    return sorted(os.path.join("docs", name) for name in os.listdir(os.path.join(REPO, "docs"))
                  if name.endswith(".md") and os.path.join("docs", name) not in listed)


def run(command, **kwargs):
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(STAGE), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    return subprocess.run(command, env=env, check=False, **kwargs).returncode


def lint():
    missing = unlisted_pages()
    if missing:
        print("Pages missing from %s (add a '- NAME' line): %s" % (EXTRA_DOCS, ", ".join(missing)))
        return 1
    target = stage()
    return run([os.path.join(BIN, "antsibull-docs"), "lint-collection-docs", "--plugin-docs", target])


def build():
    code = lint()
    if code:
        return code
    site = os.path.join(REPO, "docs", "build")
    shutil.rmtree(site, ignore_errors=True)
    work = os.path.join(STAGE, "sphinx")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work, mode=0o755)
    os.chmod(work, 0o755)                            # sphinx-init wants it writable by the owner only
    steps = [
        [os.path.join(BIN, "antsibull-docs"), "sphinx-init", "--use-current", "--fail-on-error",
         "--squash-hierarchy", "--no-add-antsibull-docs-version", "--title", "Porta Plus 2 softswitch",
         "--dest-dir", work, COLLECTION],
        [os.path.join(BIN, "antsibull-docs"), "collection", "--use-current", "--fail-on-error",
         "--squash-hierarchy", "--no-add-antsibull-docs-version", "--dest-dir", os.path.join(work, "rst"), COLLECTION],
    ]
    for step in steps:
        code = run(step, cwd=REPO)
        if code:
            return code
    # Offline: no intersphinx inventories are fetched. The generated pages refer to a few labels
    # of Ansible's own documentation; a local page defines them as links to it instead.
    with open(os.path.join(work, "rst", "ansible_documentation.rst"), "w", encoding="utf-8") as handle:
        handle.write(":orphan:\n\nAnsible documentation\n=====================\n\n")
        for label, (title, url) in sorted(ANSIBLE_DOCS_LABELS.items()):
            handle.write(".. _%s:\n\n%s\n%s\n\nSee `%s <%s%s>`__.\n\n" % (label, title, "-" * len(title), title, ANSIBLE_DOCS, url))
    with open(os.path.join(work, "conf.py"), "a", encoding="utf-8") as handle:
        handle.write("\nintersphinx_mapping = {}\nextensions = [e for e in extensions if e != 'sphinx.ext.intersphinx']\n")
    code = run([os.path.join(BIN, "sphinx-build"), "-M", "html", os.path.join(work, "rst"), site,
                "-c", work, "-W", "--keep-going", "-q"], cwd=REPO)
    if code == 0:
        print("docsite: %s" % os.path.join(site, "html", "index.html"))
    return code


if __name__ == "__main__":
    sys.exit({"lint": lint, "build": build}[sys.argv[1]]())
