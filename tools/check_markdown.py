"""Markdown structure of the README and docs/ pages: every code fence is closed, has a language,
and no text is glued to a fence.

A closing fence with text after it (```` ``` Keep the License... ````) is not a closing fence in
CommonMark: the code block runs on, and half a page renders as code. The parser
(markdown-it-py, CommonMark) tells where each fence starts and ends; a line inside a code
block that starts with the block's own fence, or a block that runs to the end of the page,
is that mistake. A fence without a language is refused too, so that a pairing shifted by
one shows at the first fence it moved.

    python tools/check_markdown.py README.md docs/*.md
"""
import sys

from markdown_it import MarkdownIt


def problems(text):
    lines = text.splitlines()
    for token in MarkdownIt("commonmark").parse(text):
        if token.type != "fence" or not token.map:
            continue
        start, end = token.map
        fence = token.markup
        if not token.info.strip():
            yield start + 1, "a code fence without a language (```text, ```yaml, ```console ...)"
        closing = lines[end - 1].strip() if end - 1 > start else ""
        if not (closing.startswith(fence) and closing == closing[0] * len(closing)):
            yield start + 1, "a code fence never closed: the code block runs to the end of the page"
        for offset, line in enumerate(lines[start + 1:end - 1], start + 2):
            if line.strip().startswith(fence):
                yield offset, ("a fence inside the code block opened on line %d: text glued to a closing fence, "
                               "or a fence left open (%r)" % (start + 1, line.strip()[:60]))


def main(paths):
    found = 0
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        for line, message in problems(text):
            print("%s:%d: %s" % (path, line, message))
            found += 1
    if found:
        print("%d Markdown structure problem(s)" % found)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
