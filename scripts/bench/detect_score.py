#!/usr/bin/env python3
"""Scores credential discovery against an answer key, for scripts/bench-detect.sh.

usage:
  detect_score.py files ROOT FROM TO
      Prints the appsettings files a `migrate --from FROM --to TO` reads (relative to ROOT), one a
      line: each catalogue service's appsettings.json and the two environments' overlays, and the
      shared folder's.
  detect_score.py score NAME ROOT FROM TO KEY QSL_JSON DETECT_SECRETS_JSON
      Prints one table row per tool: recall and precision against the answer key KEY (a JSON list
      of {file, key, outcome, shape}; outcome migrate, access-key, review or none) and the hits per
      shape.
  detect_score.py dump ROOT FROM TO QSL_JSON DETECT_SECRETS_JSON
      Every string value in scope (file, line, key) with what each tool said: the worksheet an
      answer key is reviewed from. Values are not printed.

A key is in scope when the files' loader reads it: every key of a service's own files, and the
keys of the shared folder's files that some service's sharedSections/connectionStrings accept.
qsl-config's report names sites by file and key; detect-secrets names lines, which are mapped to
the key whose string value is on that line. A tool "finds" a key when it reports it at all;
qsl-config's outcome (migrate, access-key, review) is checked separately ("outcome ok"). Keys are
compared case-insensitively, as configuration keys are.
"""
import bisect
import json
import os
import sys

SHAPE_COLUMNS = [
    ("Npgsql/ADO.NET", {"npgsql", "ado"}),
    ("Redis", {"redis"}),
    ("URL userinfo", {"url-userinfo"}),
    ("Infura/Alchemy", {"url-path-key"}),
    ("tokens", {"aws", "stripe", "github", "slack", "pem", "jwt"}),
]


def fold(key):
    return key.upper()


# --- JSON with the line of every string value -------------------------------------------------


def string_values(text):
    """(key path, line) for every string value of a JSON document (1-based lines)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    out = []
    pos = 0

    def line(p):
        return bisect.bisect_right(starts, p)

    def ws():
        # appsettings files may hold comments, as ASP.NET's reader allows.
        nonlocal pos
        while pos < len(text):
            if text[pos] in " \t\r\n":
                pos += 1
            elif text.startswith("//", pos):
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end
            elif text.startswith("/*", pos):
                pos = text.index("*/", pos) + 2
            else:
                break

    def string():
        nonlocal pos
        start = pos
        pos += 1
        while text[pos] != '"':
            pos += 2 if text[pos] == "\\" else 1
        pos += 1
        return json.loads(text[start:pos])

    def value(path):
        nonlocal pos
        ws()
        c = text[pos]
        if c == "{":
            pos += 1
            ws()
            if text[pos] == "}":
                pos += 1
                return
            while True:
                ws()
                if text[pos] == "}":  # a trailing comma
                    pos += 1
                    return
                name = string()
                ws()
                pos += 1  # :
                value(path + [name])
                ws()
                if text[pos] == ",":
                    pos += 1
                    continue
                pos += 1  # }
                return
        if c == "[":
            pos += 1
            ws()
            if text[pos] == "]":
                pos += 1
                return
            index = 0
            while True:
                ws()
                if text[pos] == "]":  # a trailing comma
                    pos += 1
                    return
                value(path + [str(index)])
                index += 1
                ws()
                if text[pos] == ",":
                    pos += 1
                    continue
                pos += 1  # ]
                return
        if c == '"':
            at = line(pos)
            string()
            out.append((":".join(path), at))
            return
        while pos < len(text) and text[pos] not in ",}] \t\r\n":
            pos += 1

    value([])
    return out


# --- What the migration reads -----------------------------------------------------------------


def read_json(path):
    with open(path, encoding="utf-8-sig") as f:
        return json.load(f)


def scope(root, source, target):
    """{relative file: predicate(key) -> in scope}."""
    catalogue = read_json(os.path.join(root, "environments/services.json"))
    hosts = []
    for name in (source, target):
        env = read_json(os.path.join(root, f"environments/{name}.json"))
        hosts.append(env.get("aspnetEnvironment") or name)
    names = ["appsettings.json"] + [f"appsettings.{h}.json" for h in hosts]
    files = {}
    for service in catalogue["services"]:
        for n in names:
            rel = os.path.normpath(os.path.join(service["folder"], n))
            if os.path.exists(os.path.join(root, rel)):
                files[rel] = lambda key: True
    shared = (catalogue.get("shared") or {}).get("folder")
    if shared:
        sections = {fold(s) for svc in catalogue["services"] for s in svc.get("sharedSections", [])}
        connections = {fold(c) for svc in catalogue["services"] for c in svc.get("connectionStrings", [])}

        def accepts(key):
            parts = fold(key).split(":")
            if parts[0] == "CONNECTIONSTRINGS":
                return len(parts) >= 2 and parts[1] in connections
            return parts[0] in sections

        for n in names:
            rel = os.path.normpath(os.path.join(shared, n))
            if os.path.exists(os.path.join(root, rel)):
                files[rel] = accepts
    return files


def in_scope_values(root, files):
    """{(file, folded key): (key, line)} for every string value in scope."""
    values = {}
    for rel, accepts in files.items():
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            text = f.read()
        for key, line in string_values(text):
            if accepts(key):
                values[(rel, fold(key))] = (key, line)
    return values


# --- What the tools said ----------------------------------------------------------------------


def qsl_findings(root, report_path):
    """{(file, folded key): outcome} from a `migrate --dry-run --format json` report."""
    report = read_json(report_path)
    real_root = os.path.realpath(root)

    def rel(file):
        file = os.path.realpath(file) if os.path.isabs(file) else os.path.realpath(os.path.join(root, file))
        return os.path.relpath(file, real_root)

    found = {}
    for secret in report["secrets"]:
        for site in secret["occurrences"]:
            found[(rel(site["file"]), fold(site["key"]))] = "migrate"
    for site in report["accessKeys"]:
        found[(rel(site["file"]), fold(site["key"]))] = "access-key"
    for site in report["review"]:
        found[(rel(site["file"]), fold(site["key"]))] = "review"
    return found


def detect_secrets_findings(root, report_path, values):
    """{(file, folded key): [plugin types]} from a `detect-secrets scan` report, by line."""
    report = read_json(report_path)
    by_line = {}
    for (rel, key), (_, line) in values.items():
        by_line.setdefault((rel, line), []).append(key)
    found = {}
    unmapped = 0
    for file, results in report["results"].items():
        rel = os.path.normpath(os.path.relpath(os.path.join(root, file), root) if not os.path.isabs(file) else os.path.relpath(file, root))
        for result in results:
            keys = by_line.get((rel, result["line_number"]))
            if not keys:
                unmapped += 1
                continue
            for key in keys:
                found.setdefault((rel, key), []).append(result["type"])
    return found, unmapped


# --- Scoring ----------------------------------------------------------------------------------


def load_key(path, values):
    entries = read_json(path)
    if isinstance(entries, dict):  # {"note": ..., "entries": [...]}
        entries = entries["entries"]
    key = {}
    for e in entries:
        k = (os.path.normpath(e["file"]), fold(e["key"]))
        if k not in values:
            sys.exit(f"answer key entry not in scope (no string value there): {e['file']} {e['key']}")
        key[k] = e
    return key


def score(found, key, values):
    hits = {k for k in found if k in values}
    positives = {k for k, e in key.items() if e["outcome"] != "none"}
    tp = hits & positives
    fp = hits - positives
    recall = len(tp) / len(positives) if positives else 1.0
    precision = len(tp) / len(hits) if hits else 1.0
    shapes = []
    for _, names in SHAPE_COLUMNS:
        of_shape = {k for k in positives if key[k]["shape"] in names}
        shapes.append(f"{len(of_shape & hits)}/{len(of_shape)}")
    return recall, precision, tp, fp, positives, shapes


def main():
    mode = sys.argv[1]
    if mode == "files":
        root, source, target = sys.argv[2:5]
        for rel in sorted(scope(root, source, target)):
            print(rel)
        return
    if mode == "dump":
        root, source, target, qsl_path, ds_path = sys.argv[2:7]
        values = in_scope_values(root, scope(root, source, target))
        qsl = qsl_findings(root, qsl_path)
        ds, _ = detect_secrets_findings(root, ds_path, values)
        for (rel, k), (key, line) in sorted(values.items(), key=lambda kv: (kv[0][0], kv[1][1])):
            print(f"{rel}\t{line}\t{key}\tqsl={qsl.get((rel, k), '-')}\tds={','.join(ds.get((rel, k), [])) or '-'}")
        return
    name, root, source, target, key_path, qsl_path, ds_path = sys.argv[2:9]
    values = in_scope_values(root, scope(root, source, target))
    key = load_key(key_path, values)
    qsl = qsl_findings(root, qsl_path)
    ds, unmapped = detect_secrets_findings(root, ds_path, values)
    rows = []
    for tool, found in (("qsl-config", qsl), ("detect-secrets", ds)):
        recall, precision, tp, fp, positives, shapes = score(found, key, values)
        outcome = "-"
        if tool == "qsl-config":
            right = sum(1 for k in positives if qsl.get(k) == key[k]["outcome"])
            outcome = f"{right}/{len(positives)}"
        rows.append([name, tool, f"{recall:.2f} ({len(tp)}/{len(positives)})", f"{precision:.2f} ({len(tp)}/{len(tp) + len(fp)})", outcome] + shapes)
        for k in sorted(positives - set(found)):
            print(f"  {name}: {tool} misses {k[0]} {key[k]['key']} ({key[k]['shape']})", file=sys.stderr)
        for k in sorted(fp):
            print(f"  {name}: {tool} flags {k[0]} {values[k][0]} (answer key: not a credential)", file=sys.stderr)
    if unmapped:
        print(f"  {name}: {unmapped} detect-secrets findings on lines without a string value in scope", file=sys.stderr)
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
