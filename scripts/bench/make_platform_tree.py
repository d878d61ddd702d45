#!/usr/bin/env python3
"""Writes a 22-service platform-shaped tree for scripts/bench-validate.sh.

    python3 scripts/bench/make_platform_tree.py ROOT OUT BROKEN

ROOT is the repository. OUT receives, for each of the catalogue's 22 services, a folder with
appsettings.json and appsettings.Production.json in plain JSON (no comments, so every JSON tool
reads them): the service's own file with the AppHost-level sections it uses merged in, as the
layered configuration would have them. Also environments/production.json, a catalogue without a
shared folder, and schemas/ copied from ROOT with their root $id removed (check-jsonschema would
resolve relative $refs against an absolute $id and try the network; without it both tools resolve
them against the files). BROKEN is a comma-separated list of service ids whose Production file gets
one schema violation (a log level that does not exist), so the verdicts have something to agree on.
"""
import copy
import json
import shutil
import sys
from pathlib import Path

root, out, broken = Path(sys.argv[1]), Path(sys.argv[2]), set(filter(None, sys.argv[3].split(",")))

def lenient(text: str) -> str:
    """appsettings text as strict JSON: // and /* */ comments and trailing commas dropped, the
    way ASP.NET's reader accepts them (string contents are left alone)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            i = text.index("*/", i + 2) + 2
        elif c in "}]":
            k = len(out) - 1
            while k >= 0 and out[k].isspace():
                k -= 1
            if k >= 0 and out[k] == ",":
                del out[k]
            out.append(c)
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def read(path: Path):
    if not path.exists():
        return {}
    return json.loads(lenient(path.read_text(encoding="utf-8-sig")))


def merge(base: dict, top: dict) -> dict:
    merged = copy.deepcopy(base)
    for key, value in top.items():
        match = next((k for k in merged if k.lower() == key.lower()), None)
        if match is not None and isinstance(merged[match], dict) and isinstance(value, dict):
            merged[match] = merge(merged[match], value)
        else:
            merged.pop(match, None) if match is not None else None
            merged[key] = copy.deepcopy(value)
    return merged


def shared_for(shared: dict, sections: list, connections: list) -> dict:
    wanted = {s.lower() for s in sections}
    names = {c.lower() for c in connections}
    picked = {}
    for key, value in shared.items():
        if key.lower() == "connectionstrings" and isinstance(value, dict):
            kept = {k: v for k, v in value.items() if k.lower() in names}
            if kept and "connectionstrings" in wanted:
                picked[key] = kept
        elif key.lower() in wanted:
            picked[key] = copy.deepcopy(value)
    return picked


catalogue = read(root / "environments/services.json")
shared_folder = root / catalogue["shared"]["folder"]
shared_base, shared_production = read(shared_folder / "appsettings.json"), read(shared_folder / "appsettings.Production.json")

if out.exists():
    shutil.rmtree(out)
(out / "environments").mkdir(parents=True)
shutil.copytree(root / "schemas", out / "schemas")
for schema in (out / "schemas").rglob("*.json"):
    document = json.loads(schema.read_text(encoding="utf-8"))
    document.pop("$id", None)
    schema.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
shutil.copy(root / "environments/production.json", out / "environments/production.json")

services = []
for entry in catalogue["services"]:
    folder = root / entry["folder"]
    base = merge(shared_for(shared_base, entry["sharedSections"], entry["connectionStrings"]), read(folder / "appsettings.json"))
    production = merge(shared_for(shared_production, entry["sharedSections"], entry["connectionStrings"]),
                       read(folder / "appsettings.Production.json"))
    if entry["id"] in broken:
        production = merge(production, {"Logging": {"LogLevel": {"Default": "Verbose"}}})
    target = out / "services" / entry["id"]
    target.mkdir(parents=True)
    for name, content in (("appsettings.json", base), ("appsettings.Production.json", production)):
        (target / name).write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    service = {k: v for k, v in entry.items() if k != "folder"}
    service["folder"] = f"services/{entry['id']}"
    services.append(service)
(out / "environments/services.json").write_text(json.dumps({"services": services}, indent=2) + "\n", encoding="utf-8")
print(len(services))
