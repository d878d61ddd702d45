#!/usr/bin/env python3
"""Check the demo platform data: environments/ and platform/.

    python3 scripts/check-platform-tree.py [ROOT]

ROOT is the platform root (default: the repository holding this script). It must hold
environments/ (one definition per environment plus services.json) and the folders the catalogue
names. Checks:

1. every environments/*.json validates against its schema (JSON Schema 2020-12, schemas/ loaded
   into a registry by $id and by file URI); services.json's `shared` key is not in the catalogue
   schema yet, so it is stripped before validation (a note says so);
2. every platform/**/*.json parses the way ASP.NET reads appsettings (// and /* */ comments and
   trailing commas allowed, top level an object, under 100 KB) with no key repeated ignoring case,
   neither inside one object nor as a flattened Section:Key path;
3. every catalogue folder (and the shared folder) exists and holds appsettings.json; every
   appsettings file validates against its service schema (the AppHost's against the shared one);
4. every ${aws:secrets:...} / ${aws:parameter:...} reference in appsettings.{Env}.json lies under
   that environment's secretsPrefix / parameterPrefix;
5. every reference in a Development file has an entry in platform/dev-seed.json (for NAME:KEY the
   seeded value must be an object holding KEY).

Prints problems as file:line:col: error: message, then a summary; exits 1 when there are problems.
"""
from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

try:
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError:  # pragma: no cover
    sys.exit("check-platform-tree: needs the python packages jsonschema and referencing (pip install jsonschema)")

MAX_BYTES = 100 * 1024


# ---------------------------------------------------------------------------------------------
# A lenient JSON reader (System.Text.Json with CommentHandling.Skip and AllowTrailingCommas)
# that keeps line:column for every member, so problems point at the right line.

class ParseError(Exception):
    def __init__(self, message: str, line: int, col: int):
        super().__init__(message)
        self.line, self.col = line, col


class Obj:
    """A JSON object: members in document order, each (name, value, line, col)."""

    def __init__(self, line: int, col: int):
        self.members: list[tuple[str, object, int, int]] = []
        self.line, self.col = line, col

    def to_plain(self):
        out = {}
        for name, value, _, _ in self.members:
            out[name] = plain(value)
        return out


class Arr:
    def __init__(self, items: list, line: int, col: int):
        self.items, self.line, self.col = items, line, col


class Str(str):
    """A JSON string that remembers where it starts."""
    line = 0
    col = 0


def plain(value):
    if isinstance(value, Obj):
        return value.to_plain()
    if isinstance(value, Arr):
        return [plain(v) for v in value.items]
    if isinstance(value, Str):
        return str(value)
    return value


class Reader:
    NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")
    ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}

    def __init__(self, text: str):
        self.s, self.i, self.depth = text, 0, 0
        if self.s.startswith("\ufeff"):
            self.i = 1

    def pos(self, i: int | None = None) -> tuple[int, int]:
        i = self.i if i is None else i
        line = self.s.count("\n", 0, i) + 1
        return line, i - (self.s.rfind("\n", 0, i) + 1) + 1

    def fail(self, message: str, i: int | None = None):
        raise ParseError(message, *self.pos(i))

    def skip(self):
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c in " \t\r\n":
                self.i += 1
            elif s.startswith("//", self.i):
                end = s.find("\n", self.i)
                self.i = len(s) if end < 0 else end + 1
            elif s.startswith("/*", self.i):
                end = s.find("*/", self.i + 2)
                if end < 0:
                    self.fail("unterminated /* comment")
                self.i = end + 2
            else:
                break

    def document(self):
        self.skip()
        if self.i >= len(self.s) or self.s[self.i] != "{":
            self.fail("the top level must be an object")
        value = self.value()
        self.skip()
        if self.i < len(self.s):
            self.fail("unexpected text after the top-level object")
        return value

    def value(self):
        self.skip()
        if self.i >= len(self.s):
            self.fail("unexpected end of file")
        c = self.s[self.i]
        if c == "{":
            return self.object()
        if c == "[":
            return self.array()
        if c == '"':
            return self.string()
        for word, v in (("true", True), ("false", False), ("null", None)):
            if self.s.startswith(word, self.i):
                self.i += len(word)
                return v
        m = self.NUMBER.match(self.s, self.i)
        if m and m.end() > self.i:
            self.i = m.end()
            text = m.group(0)
            return float(text) if any(ch in text for ch in ".eE") else int(text)
        self.fail("unexpected character %r" % c)

    def nest(self):
        self.depth += 1
        if self.depth > 64:
            self.fail("nesting deeper than 64 levels")

    def object(self):
        line, col = self.pos()
        self.nest()
        obj = Obj(line, col)
        self.i += 1
        self.skip()
        if self.s.startswith("}", self.i):
            self.i += 1
            self.depth -= 1
            return obj
        while True:
            self.skip()
            if self.s.startswith("}", self.i):  # trailing comma
                self.i += 1
                break
            if not self.s.startswith('"', self.i):
                self.fail("expected a property name in double quotes")
            kline, kcol = self.pos()
            name = str(self.string())
            self.skip()
            if not self.s.startswith(":", self.i):
                self.fail("expected ':' after a property name")
            self.i += 1
            obj.members.append((name, self.value(), kline, kcol))
            self.skip()
            if self.s.startswith(",", self.i):
                self.i += 1
                continue
            if self.s.startswith("}", self.i):
                self.i += 1
                break
            self.fail("expected ',' or '}'")
        self.depth -= 1
        return obj

    def array(self):
        line, col = self.pos()
        self.nest()
        items = []
        self.i += 1
        self.skip()
        if self.s.startswith("]", self.i):
            self.i += 1
            self.depth -= 1
            return Arr(items, line, col)
        while True:
            self.skip()
            if self.s.startswith("]", self.i):  # trailing comma
                self.i += 1
                break
            items.append(self.value())
            self.skip()
            if self.s.startswith(",", self.i):
                self.i += 1
                continue
            if self.s.startswith("]", self.i):
                self.i += 1
                break
            self.fail("expected ',' or ']'")
        self.depth -= 1
        return Arr(items, line, col)

    def string(self):
        line, col = self.pos()
        self.i += 1
        out = []
        s = self.s
        while True:
            if self.i >= len(s):
                self.fail("unterminated string")
            c = s[self.i]
            if c == '"':
                self.i += 1
                break
            if c == "\\":
                e = s[self.i + 1: self.i + 2]
                if e in self.ESCAPES:
                    out.append(self.ESCAPES[e])
                    self.i += 2
                elif e == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", s[self.i + 2: self.i + 6]):
                    out.append(chr(int(s[self.i + 2: self.i + 6], 16)))
                    self.i += 6
                else:
                    self.fail("invalid escape")
            elif ord(c) < 0x20:
                self.fail("control character in a string")
            else:
                out.append(c)
                self.i += 1
        text = Str("".join(out))
        text.line, text.col = line, col
        return text


# ---------------------------------------------------------------------------------------------

class Report:
    def __init__(self, root: Path):
        self.root = root
        self.errors: list[str] = []
        self.notes: list[str] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def error(self, path: Path, message: str, line: int = 1, col: int = 1):
        self.errors.append("%s:%d:%d: error: %s" % (self.rel(path), line, col, message))

    def note(self, message: str):
        self.notes.append(message)


def read_lenient(path: Path, report: Report):
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        report.error(path, "file is %d bytes; keep appsettings under %d" % (len(data), MAX_BYTES))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        report.error(path, "not UTF-8: %s" % e)
        return None
    try:
        return Reader(text).document()
    except ParseError as e:
        report.error(path, str(e), e.line, e.col)
        return None


def check_duplicates(path: Path, root: Obj, report: Report):
    """Duplicate member names (ignoring case) in one object, and flattened-path collisions as ASP.NET's J9."""
    flat: dict[str, tuple[str, int, int]] = {}

    def walk(value, prefix: str, line: int, col: int):
        if isinstance(value, Obj):
            seen: dict[str, str] = {}
            for name, child, kline, kcol in value.members:
                folded = name.casefold()
                if folded in seen:
                    report.error(path, "duplicate key %r (ASP.NET compares keys ignoring case; first spelled %r)" % (name, seen[folded]), kline, kcol)
                    continue  # reported once; its leaves would only repeat the finding
                seen[folded] = name
                walk(child, prefix + ":" + name if prefix else name, kline, kcol)
            if not value.members and prefix:
                leaf(prefix, line, col)
        elif isinstance(value, Arr):
            for index, child in enumerate(value.items):
                walk(child, "%s:%d" % (prefix, index), getattr(child, "line", line), getattr(child, "col", col))
            if not value.items:
                leaf(prefix, line, col)
        else:
            leaf(prefix, line, col)

    def leaf(key: str, line: int, col: int):
        folded = key.casefold()
        if folded in flat:
            first = flat[folded]
            report.error(path, "key path %s is set twice (first at line %d); ASP.NET rejects the file" % (key, first[1]), line, col)
        else:
            flat[folded] = (key, line, col)

    walk(root, "", 1, 1)


# --- references ---------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\$\{([^{}]*)\}|\$<([^<>]*)>")


def references(value: str):
    """Yield (kind, name, key) for each aws reference in a string: kind is 'secret', 'parameter' or 'bad'."""
    for m in PLACEHOLDER.finditer(value):
        body = m.group(1) if m.group(1) is not None else m.group(2)
        if not body.startswith("aws:"):
            continue  # ${VAR} / ${VAR:default}
        scheme, _, rest = body[4:].partition(":")
        if scheme == "secrets":
            if rest.startswith("arn:"):
                parts = rest.split(":")
                name, key = ":".join(parts[:7]), (parts[7] if len(parts) > 7 else "")
            else:
                name, _, key = rest.partition(":")
                key = key.split(":")[0]
            yield ("secret", name, key) if name else ("bad", body, "")
        elif scheme in ("parameter", "ssm"):
            yield ("parameter", rest, "") if rest.startswith("/") else ("bad", body, "")
        else:
            yield ("bad", body, "")


def strings(value, path: str = ""):
    if isinstance(value, Obj):
        for name, child, _, _ in value.members:
            yield from strings(child, path + ":" + name if path else name)
    elif isinstance(value, Arr):
        for index, child in enumerate(value.items):
            yield from strings(child, "%s:%d" % (path, index))
    elif isinstance(value, Str):
        yield path, value


# --- schemas ------------------------------------------------------------------------------------

def build_registry(root: Path):
    resources = []
    for path in sorted((root / "schemas").rglob("*.json")):
        contents = json.loads(path.read_text())
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        resources.append((path.resolve().as_uri(), resource))
        if isinstance(contents, dict) and "$id" in contents:
            resources.append((contents["$id"], resource))
    return Registry().with_resources(resources)


URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")
HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


def format_checker():
    checker = jsonschema.FormatChecker()
    checker.checks("uri")(lambda v: not isinstance(v, str) or bool(URI.match(v)))
    checker.checks("hostname")(lambda v: not isinstance(v, str) or bool(HOSTNAME.match(v)))
    return checker


def validator_for(schema_path: Path, registry, cache: dict):
    key = schema_path.resolve()
    if key not in cache:
        schema = json.loads(schema_path.read_text())
        cache[key] = jsonschema.Draft202012Validator(
            schema, registry=registry, format_checker=format_checker(),
            _resolver=registry.resolver(base_uri=schema.get("$id", key.as_uri())))
    return cache[key]


def locate(tree, json_path):
    """line, col of the member at a jsonschema error path, as near as the path allows."""
    node, line, col = tree, 1, 1
    for step in json_path:
        if isinstance(node, Obj) and isinstance(step, str):
            for name, child, kline, kcol in node.members:
                if name == step:
                    node, line, col = child, kline, kcol
                    break
            else:
                break
        elif isinstance(node, Arr) and isinstance(step, int) and step < len(node.items):
            node = node.items[step]
            line, col = getattr(node, "line", line), getattr(node, "col", col)
        else:
            break
    return line, col


def validate(path: Path, tree, instance, validator, report: Report):
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        where = ":".join(str(p) for p in err.absolute_path) or "(top level)"
        line, col = locate(tree, list(err.absolute_path)) if tree is not None else (1, 1)
        message = err.message if len(err.message) < 300 else err.message[:300] + "..."
        report.error(path, "%s: %s [schema %s]" % (where, message, "/".join(map(str, err.absolute_schema_path))), line, col)


# ---------------------------------------------------------------------------------------------

def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else Path(__file__).resolve().parent.parent
    report = Report(root)
    registry = build_registry(root)
    cache: dict = {}
    envs_dir, platform = root / "environments", root / "platform"

    # 1. environments/
    environments = {}
    catalogue = None
    for path in sorted(envs_dir.glob("*.json")):
        tree = read_lenient(path, report)
        if tree is None:
            continue
        check_duplicates(path, tree, report)
        instance = tree.to_plain()
        if path.name == "services.json":
            schema = root / "schemas" / "services-catalogue.schema.json"
            catalogue = instance
            validate(path, tree, instance, validator_for(schema, registry, cache), report)
        else:
            validate(path, tree, instance, validator_for(root / "schemas" / "environment.schema.json", registry, cache), report)
            if instance.get("name") != path.stem:
                report.error(path, "name %r does not match the file name %s" % (instance.get("name"), path.name))
            environments[instance.get("name")] = instance
    if catalogue is None:
        report.error(envs_dir / "services.json", "the service catalogue is missing")
        catalogue = {"services": []}

    # 2. platform/**/*.json
    trees: dict[Path, Obj] = {}
    for path in sorted(platform.rglob("*.json")):
        tree = read_lenient(path, report)
        if tree is None:
            continue
        check_duplicates(path, tree, report)
        trees[path] = tree

    # 3. catalogue folders and per-file schema validation
    folders: list[tuple[Path, Path | None]] = []  # (folder, schema)
    shared = catalogue.get("shared", {}).get("folder")
    if shared:
        folders.append((root / shared, root / "schemas" / "appsettings.shared.schema.json"))
    for entry in catalogue.get("services", []):
        schema = (envs_dir / entry["schema"]) if entry.get("schema") else None
        if schema is not None and not schema.is_file():
            report.error(envs_dir / "services.json", "%s: schema %s does not exist" % (entry["id"], entry["schema"]))
            schema = None
        folders.append((root / entry["folder"], schema))
    for folder, schema in folders:
        if not (folder / "appsettings.json").is_file():
            report.error(envs_dir / "services.json", "folder %s has no appsettings.json" % report.rel(folder))
            continue
        for path in sorted(folder.glob("appsettings*.json")):
            if schema is not None and path in trees:
                validate(path, trees[path], trees[path].to_plain(), validator_for(schema, registry, cache), report)
    listed = {(root / f).resolve() for f, _ in folders}
    for path in sorted(trees):
        if path.name.startswith("appsettings") and path.parent.resolve() not in listed:
            report.error(path, "this folder is not in environments/services.json")

    # 4./5. references
    by_asp = {(e.get("aspnetEnvironment") or e["name"].capitalize()): e for e in environments.values()}
    seed_path = platform / "dev-seed.json"
    seed = trees[seed_path].to_plain() if seed_path in trees else None
    dev = environments.get("development")
    if seed is None:
        report.error(seed_path, "the development seed is missing")
        seed = {"secrets": {}, "parameters": {}}
    elif not isinstance(seed.get("secrets"), dict) or not isinstance(seed.get("parameters"), dict):
        report.error(seed_path, "the seed must be {\"secrets\": {...}, \"parameters\": {...}}")
        seed = {"secrets": {}, "parameters": {}}
    for name, value in seed["secrets"].items():
        if dev and not name.startswith(dev["secretsPrefix"]):
            report.error(seed_path, "seeded secret %s is outside %s" % (name, dev["secretsPrefix"]))
        if not isinstance(value, (str, dict)) or (isinstance(value, dict) and not all(isinstance(v, str) for v in value.values())):
            report.error(seed_path, "seeded secret %s must be a string or an object of strings" % name)
    for name, value in seed["parameters"].items():
        if dev and not name.startswith(dev["parameterPrefix"]):
            report.error(seed_path, "seeded parameter %s is outside %s" % (name, dev["parameterPrefix"]))
        if not isinstance(value, str):
            report.error(seed_path, "seeded parameter %s must be a string" % name)

    stats = defaultdict(lambda: {"secret_refs": 0, "secrets": set(), "secret_fields": set(), "param_refs": 0, "params": set(), "files": 0})
    used_secrets, used_params = set(), set()
    for path, tree in sorted(trees.items()):
        m = re.fullmatch(r"appsettings(?:\.([^.]+))?\.json", path.name)
        if not m:
            continue
        asp = m.group(1)
        env = by_asp.get(asp) if asp else None
        label = asp or "(base)"
        stats[label]["files"] += 1
        if asp and env is None:
            report.note("%s: no environment in environments/ uses ASP.NET environment %s" % (report.rel(path), asp))
        for key, text in strings(tree):
            for kind, name, field in references(text):
                where = (path, text.line, text.col)
                if kind == "bad":
                    report.error(path, "%s: malformed or unknown reference ${%s}" % (key, name), *where[1:])
                    continue
                st = stats[label]
                if kind == "secret":
                    st["secret_refs"] += 1
                    st["secrets"].add(name)
                    st["secret_fields"].add((name, field))
                else:
                    st["param_refs"] += 1
                    st["params"].add(name)
                if env is None:
                    if asp is None:
                        report.note("%s:%d: %s holds an aws reference in a base file, which every environment inherits" % (report.rel(path), text.line, key))
                    continue
                prefix = env["secretsPrefix"] if kind == "secret" else env["parameterPrefix"]
                if not name.startswith(prefix):
                    report.error(path, "%s: %s %s is outside the %s prefix %s" % (key, kind, name, env["name"], prefix), *where[1:])
                if env is dev:
                    if kind == "secret":
                        used_secrets.add(name)
                        seeded = seed["secrets"].get(name)
                        if seeded is None:
                            report.error(path, "%s: secret %s has no entry in platform/dev-seed.json" % (key, name), *where[1:])
                        elif field and not (isinstance(seeded, dict) and field in seeded):
                            report.error(path, "%s: seeded secret %s has no JSON key %s" % (key, name, field), *where[1:])
                        elif not field and isinstance(seeded, dict):
                            report.note("%s: %s reads the whole JSON secret %s" % (report.rel(path), key, name))
                    else:
                        used_params.add(name)
                        if name not in seed["parameters"]:
                            report.error(path, "%s: parameter %s has no entry in platform/dev-seed.json" % (key, name), *where[1:])
    unused = sorted(set(seed["secrets"]) - used_secrets) + sorted(set(seed["parameters"]) - used_params)
    if unused:
        report.note("dev-seed.json entries no Development file references yet: " + ", ".join(unused))

    # Summary
    for line in report.errors:
        print(line)
    for line in report.notes:
        print("note: " + line)
    print()
    print("environments: %s; catalogue: %d services" % (", ".join(sorted(environments)), len(catalogue.get("services", []))))
    print("platform files parsed: %d" % len(trees))
    for label in sorted(stats, key=lambda l: (l != "(base)", l)):
        st = stats[label]
        print("  %-12s %2d files, %3d secret refs -> %2d secrets (%2d secret fields), %2d parameter refs -> %d parameters"
              % (label, st["files"], st["secret_refs"], len(st["secrets"]), len(st["secret_fields"]), st["param_refs"], len(st["params"])))
    fields = sum(len(v) if isinstance(v, dict) else 1 for v in seed["secrets"].values())
    print("dev-seed: %d secrets (%d values), %d parameters" % (len(seed["secrets"]), fields, len(seed["parameters"])))
    print("%d problem(s)" % len(report.errors))
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
