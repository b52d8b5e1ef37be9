#!/usr/bin/env python3
"""The documents' code blocks, checked against the code and the built trees.

  doc_test.py api HEADER README
      The README's API block (the ```c block under "## The API") must declare
      exactly the functions that HEADER declares with SC_API, each with the
      header's prototype.

  doc_test.py blocks --source DIR [--tree NAME=PATH]... [--wine] FILE...
      Runs the command blocks of each Markdown FILE (README.md, docs/*.md) in
      a scratch folder that looks like the checkout after "make build": the
      source's files, and build/NAME for each tree given. The rules are in
      README.md, "Docs that are run"; in short:

      - every fence names its language; an indented code block is refused;
      - a sh block runs in "bash -e"; a console block is a transcript: each
        "$ " line runs, in one shell, and what it prints must be the lines
        that follow it; a text block under <!-- output of: COMMAND --> is
        what COMMAND prints;
      - <!-- not run: WHY --> before a fence skips it, and says why;
      - <!-- varies: REGEX --> before a fence: what REGEX matches (or each
        of its groups, if it has any), in the sample and in the output, is
        compared as "<...>"; a sample line "..." stands for any number of
        lines;
      - a block that names build/NAME runs only where that tree is given, and
        a block that runs wine only in a Windows tree's test (--wine);
      - a block that runs make or configures a tree must be marked not run:
        the scratch folder, which has no Makefile and no CMakePresets.json,
        would become the trees' source.

      Each block runs under a timeout, in a process group that is killed
      when the block ends. The test prints every block it runs or skips, and
      fails with the block's FILE:LINE.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TIMEOUT_S = 180
SHELL_KINDS = ("sh", "console", "bat")
# The trees the documents name, as build/NAME.
TREE_RE = re.compile(r"\bbuild/(gcc|clang|native-clang|native)\b")
WINE_RE = re.compile(r"(^|[\s;&|(])wine\s", re.M)
# What would build or configure the trees a block runs against, from the
# scratch folder: such a block is marked not run.
BUILDS_RE = re.compile(r"(^|[\s;&|(])(make(\s|$)|cmake\s+(-S|--preset|--workflow)"
                       r"|cmake\s+--build\s+--preset)", re.M)
MARKER_RE = re.compile(r"^<!--\s*(not run|output of|varies):\s*(.*?)\s*-->$")
FENCE_RE = re.compile(r"^( *)(```+|~~~+)\s*(\S*)")
LIST_ITEM_RE = re.compile(r"^\s*([-*+]|\d+\.)\s")


class Block:
    def __init__(self, path, line, kind, text, markers):
        self.path, self.line, self.kind, self.text = path, line, kind, text
        self.markers = markers

    def where(self):
        return f"{self.path}:{self.line}"

    def marker(self, key):
        values = [value for k, value in self.markers if k == key]
        return values[0] if values else None


def read_blocks(path, shown_as):
    """The fenced blocks of a Markdown file, each with the markers on the
    lines just before its fence; errors for what the rules refuse."""
    blocks, errors = [], []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE_RE.match(line)
        if not fence:
            if indented_code(lines, i):
                errors.append(f"{shown_as}:{i + 1}: an indented code block: "
                              "fence it and name its language")
            i += 1
            continue
        indent, mark, kind = len(fence.group(1)), fence.group(2), fence.group(3)
        markers, j = [], i - 1
        while j >= 0 and MARKER_RE.match(lines[j].strip()):
            markers.insert(0, MARKER_RE.match(lines[j].strip()).groups())
            j -= 1
        body, i = [], i + 1
        while i < len(lines) and not (lines[i].strip().startswith(mark)
                                      and lines[i].strip().strip(mark[0]) == ""):
            # A fence indented in a list item: its lines lose that indent.
            strip = len(lines[i]) - len(lines[i].lstrip(" "))
            body.append(lines[i][min(indent, strip):])
            i += 1
        if i == len(lines):
            errors.append(f"{shown_as}:{len(blocks) and blocks[-1].line}: "
                          "a fence that is never closed")
        start = i - len(body)
        if not kind:
            errors.append(f"{shown_as}:{start}: a fence without a language "
                          "(sh, console, text, c, ...)")
        blocks.append(Block(shown_as, start, kind, "\n".join(body), markers))
        i += 1
    return blocks, errors


def indented_code(lines, i):
    """Whether line i starts an indented code block: four spaces after a
    blank line that does not continue a list item or a table."""
    if not lines[i].startswith("    ") or not lines[i].strip():
        return False
    if i == 0 or lines[i - 1].strip():
        return False
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    return k >= 0 and not (lines[k].startswith(" ") or
                           LIST_ITEM_RE.match(lines[k]) or
                           lines[k].startswith("|"))


def api_check(header, readme):
    """The README's API block against the header's SC_API declarations."""
    declared = {}
    text = re.sub(r"/\*.*?\*/", "", open(header, encoding="utf-8").read(),
                  flags=re.S)
    for decl in re.findall(r"\bSC_API\s+([^;{]*\))\s*;", text):
        decl = " ".join(decl.split())
        declared[re.search(r"(\w+)\s*\(", decl).group(1)] = decl
    readme_text = open(readme, encoding="utf-8").read()
    section = re.search(r"^## The API\n(.*?)^## ", readme_text, re.M | re.S)
    block = section and re.search(r"^```c\n(.*?)^```", section.group(1),
                                  re.M | re.S)
    if not declared or not block:
        print("doc_test: no SC_API declaration in the header, or no ```c "
              "block under '## The API' in the README")
        return 1
    listed = {}
    for line in re.sub(r"/\*.*?\*/", "", block.group(1), flags=re.S).split(";"):
        line = " ".join(line.replace("#include <sharedcounter.h>", "").split())
        if line:
            listed[re.search(r"(\w+)\s*\(", line).group(1)] = line
    failures = 0
    for name in sorted(declared.keys() | listed.keys()):
        if name not in listed:
            print(f"README.md: the API block lacks {declared[name]}")
        elif name not in declared:
            print(f"README.md: the API block lists {listed[name]}, "
                  "which the header does not declare")
        elif declared[name] != listed[name]:
            print(f"README.md: the API block says {listed[name]}, "
                  f"the header {declared[name]}")
        else:
            print(f"README.md: {name}: as the header declares it")
            continue
        failures += 1
    if failures:
        print(f"doc_test api: {failures} of {len(declared)} functions differ")
        return 1
    print(f"doc_test api: the README lists the {len(declared)} functions of "
          f"the header, as declared")
    return 0


def scratch_checkout(source, trees, wine):
    """A folder that looks like the checkout after "make build": the
    source's folders made anew, each file a link to the source's, so that
    what a block writes stays in the scratch folder; and build/NAME for each
    tree."""
    root = tempfile.mkdtemp(prefix="sc-doc-test-")
    for name in os.listdir(source):
        # Without the Makefile and the presets, a block cannot rebuild or
        # reconfigure the trees, whose source would become this folder.
        if name in ("build", ".git", "Makefile", "CMakePresets.json"):
            continue
        path, copy = os.path.join(source, name), os.path.join(root, name)
        if os.path.isdir(path):
            shutil.copytree(path, copy, copy_function=os.symlink,
                            ignore=shutil.ignore_patterns("build"))
        else:
            os.symlink(path, copy)
    os.mkdir(os.path.join(root, "build"))
    for name, path in trees.items():
        os.symlink(path, os.path.join(root, "build", name))
    if wine:
        # The Windows tree's own prefix, whose wineserver its tests keep up.
        tree = next(iter(trees.values()))
        os.symlink(os.path.join(tree, "wineprefix"),
                   os.path.join(root, "build", "wineprefix"))
    return root


def run_shell(script, root, env):
    """Runs a bash script in root, in a process group of its own that is
    killed when the script ends, with what the block left running in the
    background; returns (status, output, seconds)."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(["bash", "-c", script], cwd=root, env=env,
                                   stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            status = process.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            status = f"still running after {TIMEOUT_S} s"
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
        output.seek(0)
        text = output.read().decode("utf-8", "replace").replace("\r", "")
    return status, text, time.monotonic() - started


def transcript(text):
    """The commands of a console block, each with the lines shown after it."""
    steps = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            if steps:
                steps[-1][1].append(lines[i])
            elif lines[i].strip():
                return None
            i += 1
            continue
        command = lines[i][2:]
        while command.endswith("\\") and i + 1 < len(lines):
            i += 1
            command += "\n" + lines[i]
        steps.append((command, []))
        i += 1
    return steps


def same_output(expected, actual, varies):
    """Whether the actual output is what the sample shows, after the
    substitutions of varies; "..." in the sample stands for any lines."""
    def vary(match):
        if not match.re.groups:
            return "<...>"
        text, at = match.group(0), match.start(0)
        for n in range(match.re.groups, 0, -1):
            if match.start(n) >= 0:
                text = (text[:match.start(n) - at] + "<...>" +
                        text[match.end(n) - at:])
        return text

    def normal(text):
        for pattern in varies:
            text = re.sub(pattern, vary, text, flags=re.M)
        lines = [line.rstrip() for line in text.split("\n")]
        while lines and not lines[-1]:
            lines.pop()
        while lines and not lines[0]:
            lines.pop(0)
        return lines
    pattern = "".join(r"(?:.*\n)*?" if line.strip() == "..."
                      else re.escape(line) + r"\n"
                      for line in normal(expected))
    actual_text = "".join(line + "\n" for line in normal(actual))
    return re.fullmatch(pattern, actual_text) is not None, actual_text


def check_console(block, steps, root, env):
    """Runs a transcript in one shell; returns the failures."""
    marker = "@@doc-test-step@@"
    script = ["set +e"]
    for command, _ in steps:
        # A step may show the status of the one before with "echo $?".
        script.append(f"{command}\n__s=$?; printf '\\n{marker} %d\\n' $__s; "
                      f"(exit $__s)")
    status, output, seconds = run_shell("\n".join(script), root, env)
    if not isinstance(status, int):
        return [f"{status}\n{output}"], seconds
    parts = re.split(rf"\n?{marker} (\d+)\n", output)
    failures = []
    varies = [v for k, v in block.markers if k == "varies"]
    for n, (command, shown) in enumerate(steps):
        if 2 * n + 1 >= len(parts):
            failures.append(f"$ {command}: the shell ended before it ran")
            break
        got, code = parts[2 * n], int(parts[2 * n + 1])
        shows_status = n + 1 < len(steps) and steps[n + 1][0] == "echo $?"
        if code != 0 and not shows_status:
            failures.append(f"$ {command}: exit status {code}\n{got}")
        same, normal = same_output("\n".join(shown), got, varies)
        if not same:
            failures.append(f"$ {command}: printed\n{normal}which is not what "
                            "the document shows")
    return failures, seconds


def check_block(block, root, env):
    """Runs one block; returns (failures, seconds)."""
    output_of = block.marker("output of")
    if block.kind == "console":
        steps = transcript(block.text)
        if not steps:
            return ["a console block must start with a \"$ \" command"], 0
        return check_console(block, steps, root, env)
    if output_of:
        return check_console(block, [(output_of, block.text.split("\n"))],
                             root, env)
    status, output, seconds = run_shell("set -e\n" + block.text, root, env)
    if status != 0:
        return [f"exit status {status}\n{output}"], seconds
    return [], seconds


def why_not_here(block, trees, wine):
    """Why this test does not run a block it could run elsewhere, or None."""
    text = block.text + "\n" + (block.marker("output of") or "")
    missing = sorted(set(TREE_RE.findall(text)) - trees.keys())
    if missing:
        return "needs " + ", ".join(f"build/{name}" for name in missing)
    if WINE_RE.search(text) and not wine:
        return "runs wine: a Windows tree's doc test runs it"
    if not WINE_RE.search(text) and wine and not TREE_RE.search(text):
        return "a Linux command: the native tree's doc test runs it"
    return None


def first_command(text):
    """The line that names a block in the test's output: its first command
    other than a setting of the environment."""
    lines = [line.removeprefix("$ ") for line in text.split("\n")]
    for line in lines:
        if line.strip() and not line.startswith(("export ", "#")):
            return line
    return lines[0]


def blocks_check(args):
    trees = dict(tree.split("=", 1) for tree in args.tree)
    errors, blocks = [], []
    for path in args.files:
        found, refused = read_blocks(path, os.path.relpath(path, args.source))
        blocks += found
        errors += refused
    for error in errors:
        print(error)
    root = scratch_checkout(args.source, trees, args.wine)
    env = dict(os.environ)
    if args.wine:
        env["WINEPREFIX"] = os.path.join(root, "build", "wineprefix")
        env["WINEDEBUG"] = "-all,err+module"
    ran = skipped = elsewhere = 0
    failed = []
    try:
        for block in blocks:
            output_of = block.marker("output of")
            if block.kind not in SHELL_KINDS and not output_of:
                continue
            reason = block.marker("not run")
            if reason is not None:
                print(f"{block.where()}: {block.kind}: not run: {reason}")
                skipped += 1
                continue
            if block.kind == "bat":
                failed.append(block.where())
                print(f"{block.where()}: bat: cannot run here; mark it "
                      "<!-- not run: why -->")
                continue
            if BUILDS_RE.search(block.text + "\n" + (output_of or "")):
                failed.append(block.where())
                print(f"{block.where()}: {block.kind}: builds or configures "
                      "a tree, which a doc test must not: mark it "
                      "<!-- not run: why -->")
                continue
            other = why_not_here(block, trees, args.wine)
            if other:
                print(f"{block.where()}: {block.kind}: not in this tree: {other}")
                elsewhere += 1
                continue
            shown = output_of or first_command(block.text)
            print(f"{block.where()}: {block.kind}: running {shown!r}", flush=True)
            failures, seconds = check_block(block, root, env)
            for failure in failures:
                print(f"{block.where()}: FAILED: {failure}")
            if failures:
                failed.append(block.where())
            else:
                print(f"{block.where()}: ok ({seconds:.1f} s)")
            ran += 1
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"doc_test blocks: {ran} run, {skipped} marked not run, "
          f"{elsewhere} for other trees, {len(failed)} failed, "
          f"{len(errors)} refused")
    if failed or errors or ran == 0:
        if ran == 0:
            print("doc_test blocks: no block runs in this tree")
        return 1
    print("doc_test blocks: every block run here passed")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    api = sub.add_parser("api")
    api.add_argument("header")
    api.add_argument("readme")
    blocks = sub.add_parser("blocks")
    blocks.add_argument("--source", required=True)
    blocks.add_argument("--tree", action="append", default=[])
    blocks.add_argument("--wine", action="store_true")
    blocks.add_argument("files", nargs="+")
    args = parser.parse_args()
    if args.command == "api":
        return api_check(args.header, args.readme)
    return blocks_check(args)


if __name__ == "__main__":
    sys.exit(main())
