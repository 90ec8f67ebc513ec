#!/usr/bin/env python3
"""Checks of the source tree itself, run by `make check`'s core part
(make lint): no network, no root, a second or less.

  includes  every #include "STAGE/..." in user/ follows the order of
            user/STAGES: a file includes its own stage or a later one.
  comments  every path (user/x/y.c, bpf/z.h, tests/..., docs/...) and every
            noun__verb function a comment names exists.

Each failure is one line naming the file, what it names and the rule.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sources(top, exts):
    for d, _, files in os.walk(os.path.join(ROOT, top)):
        for f in sorted(files):
            if f.endswith(exts):
                yield os.path.relpath(os.path.join(d, f), ROOT)


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8", errors="replace") as f:
        return f.read()


def load_stages():
    order, pending = [], set()
    for n, line in enumerate(read("user/STAGES").splitlines(), 1):
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        if line[0] == "pending" and len(line) == 3:
            pending.add((line[1], line[2]))
        elif len(line) == 1:
            order.append(line[0])
        else:
            sys.exit("user/STAGES:%d: expected a stage or 'pending FILE INCLUDE'" % n)
    return order, pending


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def check_includes():
    order, pending = load_stages()
    rank = {s: i for i, s in enumerate(order)}
    errors, seen = [], set()
    for rel in sources("user", (".c", ".h")):
        parts = rel.split(os.sep)
        stage = parts[1] if len(parts) == 3 else None
        if stage not in rank:
            errors.append("%s: folder user/%s/ is not a stage of user/STAGES" % (rel, stage))
            continue
        for inc in INCLUDE.findall(read(rel)):
            to = inc.split("/", 1)[0] if "/" in inc else None
            if to is None:
                continue  # bpf/ and build/ headers: the ABI, the skeleton
            if to not in rank:
                errors.append('%s: #include "%s": user/%s/ is not a stage' % (rel, inc, to))
            elif rank[to] < rank[stage]:
                if (rel, inc) in pending:
                    seen.add((rel, inc))
                    continue
                errors.append('%s: #include "%s": %s/ comes before %s/ in user/STAGES '
                              "(a stage includes only itself and later stages)"
                              % (rel, inc, to, stage))
    for rel, inc in sorted(pending - seen):
        errors.append('user/STAGES: pending %s "%s" no longer occurs: remove the line'
                      % (rel, inc))
    return errors


COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
PATH = re.compile(r"(?<![\w./-])((?:user|bpf|tests|docs|scripts|bench|deploy|debian)"
                  r"/[\w./-]*\w)")
FUNC = re.compile(r"\b([a-z][a-z0-9_]*__[a-z][a-z0-9_]*)\(")


def comment_text(rel):
    text = read(rel)
    if rel.endswith((".c", ".h")):
        return "\n".join(COMMENT.findall(text))
    if rel.endswith((".py", ".sh")) or os.path.basename(rel) == "Makefile":
        return "\n".join(re.findall(r"#[^\n]*", text))
    return text


def exists(path):
    full = os.path.join(ROOT, path)
    if os.path.exists(full):
        return True
    # "bpf/foo.bpf.*", "tests/unit/test_*": a pattern; a folder named without /
    return "*" in path


def check_comments():
    defined = set()
    for rel in sources("user", (".c", ".h")):
        defined.update(re.findall(r"\b([a-z][a-z0-9_]*__[a-z][a-z0-9_]*)\s*\(", read(rel)))
    for rel in sources("bpf", (".c", ".h")):
        defined.update(re.findall(r"\b([a-z][a-z0-9_]*__[a-z][a-z0-9_]*)\s*\(", read(rel)))
    errors = []
    files = list(sources("user", (".c", ".h"))) + list(sources("bpf", (".c", ".h")))
    files += list(sources("tests/unit", (".c",))) + ["Makefile"]
    files += list(sources("docs", (".md",))) + ["README.md"]
    for rel in files:
        text = comment_text(rel)
        for path in sorted(set(PATH.findall(text))):
            path = path.rstrip(".")
            if not exists(path):
                errors.append("%s: names %s, which does not exist" % (rel, path))
        if rel.startswith(("user/", "bpf/")):
            for fn in sorted(set(FUNC.findall(text))):
                if fn not in defined:
                    errors.append("%s: names %s(), which no file in user/ or bpf/ "
                                  "defines or declares" % (rel, fn))
    return errors


def main(argv):
    which = argv[1:] or ["includes", "comments"]
    errors = []
    for name in which:
        errors += {"includes": check_includes, "comments": check_comments}[name]()
    for e in errors:
        print(e)
    print("tree: %s: %d problem(s)" % (" ".join(which), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
