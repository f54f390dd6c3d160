#!/usr/bin/env python3
"""Report reStructuredText errors in the given files (docutils, level >= 3).

Sphinx-only roles and directives (:c:func:, .. kernel-doc:: ...) are not
known to plain docutils; they are accepted here, everything else must parse.
"""
import sys
from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles


def any_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [nodes.literal(rawtext, text)], []


class AnyDirective(Directive):
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec = None

    def run(self):
        return []


class AnyOptions(dict):
    def __getitem__(self, key):
        return directives.unchanged


AnyDirective.option_spec = AnyOptions()
for r in ("c:func", "c:type", "c:macro", "c:member", "ref", "doc", "manpage"):
    roles.register_local_role(r, any_role)
for d in ("kernel-doc", "kernel-feat", "toctree", "only", "c:function",
          "c:type", "c:macro", "c:struct", "maintainers-include", "kernel-include"):
    directives.register_directive(d, AnyDirective)

bad = 0
for path in sys.argv[1:]:
    msgs = []
    doctree = publish_doctree(open(path).read(), source_path=path,
                              settings_overrides={"report_level": 5, "halt_level": 5})
    for m in doctree.traverse(nodes.system_message):
        if m["level"] >= 3:
            msgs.append("%s:%s: %s" % (path, m.get("line", "?"), m.astext().splitlines()[0]))
    for m in msgs:
        print(m)
    bad += len(msgs)
print("rst: %d file(s), %d error(s)" % (len(sys.argv) - 1, bad))
sys.exit(1 if bad else 0)
