"""package.dockerfile: the Dockerfile's instructions agree with what cpack builds.

No image can be built here (no Docker daemon, no registry to pull debian:12-slim from), and
no Dockerfile linter is packaged for Debian 12; this checks what can be checked without them:
the base is Debian 12, the COPY glob names the file cpack writes (NAME_VERSION_ARCH.deb), apt
installs that same file (so apt resolves its Depends), the image does not run as root, and
the entry point is mcp-harness, which the package installs on PATH. Building and running the
image itself is scripts/package_check.sh's (manual: buildah on a debootstrapped Debian 12).

    dockerfile_test.py DOCKERFILE DEB_FILE_NAME
"""
import fnmatch
import json
import re
import sys


def instructions(text):
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


def main():
    dockerfile, deb = sys.argv[1], sys.argv[2]
    steps = instructions(open(dockerfile, encoding="utf-8").read())
    errors = []

    def expect(ok, what):
        if not ok:
            errors.append(what)

    kinds = [k for k, _ in steps]
    expect(kinds.count("FROM") == 1 and steps[0] == ("FROM", "debian:12-slim"),
           f"the base must be one FROM debian:12-slim, first; got {steps[:1]}")
    copies = [a.split() for k, a in steps if k == "COPY"]
    expect(len(copies) == 1 and len(copies[0]) == 2, f"one COPY SRC DEST expected: {copies}")
    if copies and len(copies[0]) == 2:
        source, dest = copies[0]
        expect("/" not in source, f"COPY takes the .deb from the context's top: {source}")
        expect(fnmatch.fnmatchcase(deb, source),
               f"COPY {source} does not match the package cpack writes, {deb}")
        installed = dest.rstrip("/") + "/" + source
        runs = [a for k, a in steps if k == "RUN"]
        apt = [r for r in runs if "apt-get install" in r]
        # The packages of the `apt-get install` command itself (its non-option words).
        command = [c for r in apt for c in r.split("&&") if "apt-get install" in c]
        packages = [w for c in command for w in c.split()[2:] if not w.startswith("-")]
        expect(len(apt) == 1 and packages == [installed],
               f"apt-get install must install {installed} (apt resolves Depends): {packages}")
        expect(apt and apt[0].find("apt-get update") in range(0, apt[0].find("apt-get install")),
               "apt-get update must precede the install")
    users = [a for k, a in steps if k == "USER"]
    expect(users and users[-1] not in ("root", "0"), f"the image must not run as root: {users}")
    entry = [a for k, a in steps if k == "ENTRYPOINT"]
    expect(len(entry) == 1 and json.loads(entry[0]) == ["mcp-harness"],
           f'ENTRYPOINT ["mcp-harness"] expected: {entry}')
    cmd = [a for k, a in steps if k == "CMD"]
    expect(len(cmd) == 1 and json.loads(cmd[0])[:2] == ["run", "checklist"],
           f"CMD runs the checklist by name: {cmd}")
    if errors:
        print("package.dockerfile:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    print(f"package.dockerfile: {dockerfile} installs {deb} on debian:12-slim")
    return 0


if __name__ == "__main__":
    sys.exit(main())
