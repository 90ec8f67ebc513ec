#!/usr/bin/env python3
"""Checks of the source tree itself, run by `make check`'s core part
(make lint): no network, no root, a second or less.

  includes  every #include "STAGE/..." in user/ follows the order of
            user/STAGES: a file includes its own stage or a later one; only
            user/loader/ includes libbpf's <bpf/...>.
  options   the README's option list is cli.c's --help text, and the man
            page and --help name exactly the options of cli.c's table.
  proc      no string literal in user/ names a path under /proc (as
            "/proc/net/x", "/proc" "/sys/y" or "/proc/%u/stat") outside
            user/proc/ and user/loader/: /proc is parsed in proc/, whose
            functions take the bare root "/proc"; a message may name
            /proc/PID/... as where a number comes from.
  comments  every path (user/x/y.c, bpf/z.h, tests/..., docs/...) and every
            noun__verb() a comment names exists, and f() named with its
            file ("f() in user/x/y.c") is in that file.

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
        elif len(line) == 1 or (len(line) == 2 and line[1] == "[tool]"):
            order.append(line[0])
        else:
            sys.exit("user/STAGES:%d: expected a stage or 'pending FILE INCLUDE'" % n)
    return order, pending


INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LIBBPF_INCLUDE = re.compile(r'^\s*#\s*include\s+<(bpf/[^>]+)>', re.M)


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
        text = read(rel)
        if stage != "loader":
            for inc in LIBBPF_INCLUDE.findall(text):
                errors.append("%s: #include <%s>: only user/loader/ speaks libbpf "
                              "(the Makefile gives its headers to that folder alone)"
                              % (rel, inc))
        for inc in INCLUDE.findall(text):
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
# C tokens that hide others: strings, characters, comments (in one pass,
# so "http://x" is a string and /* "x" */ a comment).
C_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|/\*.*?\*/|//[^\n]*', re.S)
# A path that starts with /proc/ (or a root's "%s/proc/"), not a URL's
# "/x/proc/" nor a message's /proc/PID/.
PROC_PATH = re.compile(r"(?:(?<![\w/.-])|(?<=%s))/proc/(?!PID\b)[\w%.-]")
PROC_READERS = ("user/proc/", "user/loader/")


def string_literals(text):
    """(line, text) of each string literal, adjacent ones joined as C joins
    them ("/proc" "/net/x" is one)."""
    out, last_end = [], None
    for m in C_TOKEN.finditer(text):
        tok = m.group(0)
        if tok[0] != '"':
            if tok[0] == "'":
                last_end = None
            continue
        if last_end is not None and not text[last_end:m.start()].strip() and out:
            out[-1] = (out[-1][0], out[-1][1] + tok[1:-1])
        else:
            out.append((text.count("\n", 0, m.start()) + 1, tok[1:-1]))
        last_end = m.end()
    return out


def check_proc_paths():
    errors = []
    for rel in sources("user", (".c", ".h")):
        if rel.replace(os.sep, "/").startswith(PROC_READERS):
            continue
        for line, lit in string_literals(read(rel)):
            if PROC_PATH.search(lit):
                errors.append('%s:%d: "%s" names a path under /proc: /proc is parsed in '
                              'user/proc/ only (call a function there, handing it the '
                              'root "/proc")' % (rel, line, lit))
    return errors


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


# Made when the tool runs, not kept in the tree.
RUNTIME_PATHS = {"tests/fuzz/crashes"}


def exists(path):
    """path, or a program built from path.c (bench/bindloop), exists."""
    if path in RUNTIME_PATHS:
        return True
    return any(os.path.exists(os.path.join(ROOT, path + ext))
               for ext in ("", ".c", ".py", ".sh"))


# "f() in user/x/y.c", "user/x/y.c's f()", "f() (user/x/y.c)": f is in that file.
PATH_BODY = PATH.pattern[len(r"(?<![\w./-])"):]  # one group: the path
FUNC_IN = [
    re.compile(r"\b(\w+)\(\)\s+in\s+" + PATH_BODY),
    re.compile(PATH_BODY + r"'s\s+(\w+)\(\)"),
    re.compile(r"\b(\w+)\(\)\s+\(" + PATH_BODY),
]
# libbpf's own API, named in comments about it.
LIBBPF = ("bpf_", "btf__", "ring_buffer__", "libbpf_", "perf_buffer__")


def check_comments():
    defined = set()  # every noun__verb( the code (not its comments) has
    for rel in list(sources("user", (".c", ".h"))) + list(sources("bpf", (".c", ".h"))):
        code = COMMENT.sub(" ", read(rel))
        defined.update(re.findall(r"\b([a-z][a-z0-9_]*__[a-z][a-z0-9_]*)\s*\(", code))
    errors = []
    files = list(sources("user", (".c", ".h"))) + list(sources("bpf", (".c", ".h")))
    files += list(sources("tests/unit", (".c",))) + ["Makefile"]
    files += list(sources("tests/live", (".py",))) + list(sources("tests/vm", (".sh",)))
    files += [f for f in sources("scripts", (".sh", ".py")) if f != "scripts/check_tree.py"]
    files += list(sources("bench", (".c", ".py")))
    files += list(sources("docs", (".md",))) + ["README.md"]
    for rel in files:
        if not os.path.isfile(os.path.join(ROOT, rel)):
            continue
        text = comment_text(rel)
        for m in PATH.finditer(text):
            path = m.group(1).rstrip(".")
            if text[m.end():m.end() + 1] in ("*", "[", "{", "<", "%"):
                continue  # a pattern: tests/unit/test_*.c, strategy.[ch]
            if not exists(path):
                errors.append("%s: names %s, which does not exist" % (rel, path))
        for k, rx in enumerate(FUNC_IN):
            for m in rx.finditer(text):
                fn, path = (m.group(1), m.group(2)) if k != 1 else (m.group(2), m.group(1))
                path = path.rstrip(".")
                full = os.path.join(ROOT, path)
                if not os.path.isfile(full):
                    continue  # reported above, or a folder
                if not re.search(r"\b%s\s*\(" % re.escape(fn), COMMENT.sub(" ", read(path))):
                    errors.append("%s: names %s() in %s, which has no %s()"
                                  % (rel, fn, path, fn))
        if rel.startswith(("user/", "bpf/")):
            for fn in sorted(set(FUNC.findall(text))):
                if fn not in defined and not fn.startswith(LIBBPF):
                    errors.append("%s: names %s(), which no file in user/ or bpf/ "
                                  "defines or declares" % (rel, fn))
    return errors


def self_test():
    """The checks fail where they should: a small tree with one of each."""
    import shutil
    import tempfile
    global ROOT
    real, tmp = ROOT, tempfile.mkdtemp()
    try:
        ROOT = tmp
        files = {
            "user/STAGES": "app [tool]\ncli\nloader [tool]\nsockets\nproc\noutput\nlib\n"
                           "pending user/output/b.c sockets/gone.h\n",
            "user/app/m.c": '#include "sockets/s.h"\n/* s__get() in user/sockets/s.c */\n',
            "user/sockets/s.h": '#include "output/o.h"\nint s__get(void);\n',
            "user/sockets/s.c": "#include <bpf/libbpf.h>\nint s__get(void) { return 0; }\n",
            "user/output/o.h": '#include "sockets/s.h"\n/* see user/sockets/t.c */\n',
            "user/output/b.c": "/* s__put() and user/lib/l.c's l__x() */\n",
            "user/lib/l.c": "int l__y(void) { return 1; }\n",
            "user/sockets/r.c": '/* reads "/proc/net/x" */\nchar c = \'"\', *a = "/proc",\n'
                                '*b = "of /proc/PID/ns/net", *u = "http://x/proc/y";\n'
                                'int f(void) { return open("/proc/sys/"\n\t"a/b", 0) +\n'
                                '\topen("/proc" "/net/y", 0) + printf("/proc/%u/stat") +\n'
                                '\tprintf("%s/proc/%u/fd"); }\n',
            "user/proc/p.c": 'const char *p = "/proc/self/ns/net";\n',
            "user/loader/k.c": 'const char *k = "/proc/kallsyms";\n',
            "user/cli/cli.c": 'static const char usage_text[] =\n'
                              '\t"Usage: x\\n\\n"\n\t"  -a, --all     all\\n"\n'
                              '\t"  -b, --bee     bee\\n\\nmore\\n";\n'
                              '{ "all", no_argument, NULL, 1 },\n'
                              '{ "bee", no_argument, NULL, 2 },\n'
                              '{ "sea", required_argument, NULL, 3 },\n',
            "README.md": "## Options\n\n```\n  -a, --all     all\n  -b, --bee     bees\n```\n",
            "docs/man/portsnoop.8": ".SH OPTIONS\n.TP\n.BR \\-\\-all\nall\n.TP\n"
                                    ".BR \\-\\-dee\nd\n.SH SEE\n",
        }
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w") as f:
                f.write(text)
        got = check_includes() + check_comments() + check_options() + check_proc_paths()
        want = [
            'user/output/o.h: #include "sockets/s.h": sockets/ comes before output/',
            "user/sockets/s.c: #include <bpf/libbpf.h>: only user/loader/ speaks libbpf",
            'user/STAGES: pending user/output/b.c "sockets/gone.h" no longer occurs',
            "user/output/o.h: names user/sockets/t.c, which does not exist",
            "user/output/b.c: names s__put(), which no file",
            "user/output/b.c: names l__x() in user/lib/l.c, which has no l__x()",
            "user/output/b.c: names l__x(), which no file",
            "user/cli/cli.c: --sea is in the option table, not in the --help text",
            "README.md: the options under '## Options' are not user/cli/cli.c's --help text "
            "(first difference at its line 2",
            "docs/man/portsnoop.8: --bee (in user/cli/cli.c's table) has no .TP entry",
            "docs/man/portsnoop.8: --sea (in user/cli/cli.c's table) has no .TP entry",
            "docs/man/portsnoop.8: --dee is under OPTIONS, not in",
            'user/sockets/r.c:4: "/proc/sys/a/b" names a path under /proc',
            'user/sockets/r.c:6: "/proc/net/y" names a path under /proc',
            'user/sockets/r.c:6: "/proc/%u/stat" names a path under /proc',
            'user/sockets/r.c:7: "%s/proc/%u/fd" names a path under /proc',
        ]
        missing = [w for w in want if not any(g.startswith(w) for g in got)]
        extra = [g for g in got if not any(g.startswith(w) for w in want)]
        for m in missing:
            print("self-test: not reported: %s" % m)
        for e in extra:
            print("self-test: reported, but right: %s" % e)
        print("tree: self-test: %d of %d caught, %d wrong" % (len(want) - len(missing),
                                                           len(want), len(extra)))
        return 1 if missing or extra else 0
    finally:
        ROOT = real
        shutil.rmtree(tmp)


def c_string(src, name):
    """The text of static const char name[] = "..." "...";, escapes decoded."""
    m = re.search(r'\b%s\[\]\s*=\s*((?:\s*"(?:[^"\\]|\\.)*")+)\s*;' % name, src)
    if not m:
        return None
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
    return "".join(parts).encode().decode("unicode_escape")


def option_block(help_text):
    """The option lines of --help: from the first "  -" line to the blank line."""
    lines = help_text.split("\n")
    first = next(i for i, l in enumerate(lines) if l.startswith("  -"))
    end = next(i for i in range(first, len(lines)) if not lines[i].strip())
    return lines[first:end]


def check_options():
    """Options are written once, in user/cli/cli.c (its option table and its
    --help text); the README's list and the man page follow them."""
    cli = "user/cli/cli.c"
    src = read(cli)
    errors = []
    table = set(re.findall(r'\{\s*"([a-z][a-z0-9-]*)",\s*(?:no|required|optional)_argument', src))
    text = c_string(src, "usage_text")
    if not table or text is None:
        return ["%s: no option table or usage_text found" % cli]
    block = option_block(text)
    in_help = set(re.findall(r"--([a-z][a-z0-9-]*)", "\n".join(block)))
    for o in sorted(table - in_help):
        errors.append("%s: --%s is in the option table, not in the --help text" % (cli, o))
    for o in sorted(in_help - table):
        errors.append("%s: --%s is in the --help text, not in the option table" % (cli, o))
    readme = read("README.md")
    m = re.search(r"^## Options\n.*?^```\n(.*?)^```", readme, re.S | re.M)
    if not m:
        errors.append("README.md: no ``` block of options under '## Options'")
    elif m.group(1).rstrip("\n").split("\n") != block:
        got = m.group(1).rstrip("\n").split("\n")
        diff = next((i for i, (a, b) in enumerate(zip(got, block)) if a != b),
                    min(len(got), len(block)))
        errors.append("README.md: the options under '## Options' are not %s's --help text "
                      "(first difference at its line %d: %r)"
                      % (cli, diff + 1, block[diff] if diff < len(block) else ""))
    man = read("docs/man/portsnoop.8").replace("\\-", "-")
    sec = re.search(r"^\.SH OPTIONS\n(.*?)^\.SH ", man, re.S | re.M)
    lines = sec.group(1).split("\n") if sec else []
    in_man = set()
    for i, line in enumerate(lines[:-1]):
        if line == ".TP":
            in_man |= set(re.findall(r"--([a-z][a-z0-9-]*)", lines[i + 1]))
    for o in sorted(table - in_man):
        errors.append("docs/man/portsnoop.8: --%s (in %s's table) has no .TP entry under "
                      "OPTIONS" % (o, cli))
    for o in sorted(in_man - table):
        errors.append("docs/man/portsnoop.8: --%s is under OPTIONS, not in %s's table"
                      % (o, cli))
    return errors


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    which = argv[1:] or ["includes", "comments", "options", "proc"]
    errors = []
    for name in which:
        errors += {"includes": check_includes, "comments": check_comments,
                   "options": check_options, "proc": check_proc_paths}[name]()
    for e in errors:
        print(e)
    print("tree: %s: %d problem(s)" % (" ".join(which), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
