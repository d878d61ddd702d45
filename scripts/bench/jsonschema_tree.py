#!/usr/bin/env python3
"""python-jsonschema in one process over a tree from make_platform_tree.py: every service's two
files against its schema, schemas loaded into one registry by file URI. Prints `ID valid|invalid`
per service, then `seconds=` (importing jsonschema, reading schemas and files, compiling and
validating; interpreter start-up not) and `import_seconds=` (the import alone), so the caller can
show both the library's whole cost and its work alone.

    python3 scripts/bench/jsonschema_tree.py TREE
"""
import json
import sys
import time
from pathlib import Path

start = time.perf_counter()
import jsonschema  # noqa: E402
from referencing import Registry, Resource  # noqa: E402
imported = time.perf_counter()

tree = Path(sys.argv[1]).resolve()
resources = []
for path in (tree / "schemas").rglob("*.json"):
    resources.append((path.as_uri(), Resource.from_contents(json.loads(path.read_text(encoding="utf-8")))))
registry = Registry().with_resources(resources)
catalogue = json.loads((tree / "environments/services.json").read_text(encoding="utf-8"))
verdicts = []
for service in catalogue["services"]:
    schema_path = (tree / "environments" / service["schema"]).resolve()
    schema = {"$ref": schema_path.as_uri()}
    validator = jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    valid = True
    for name in ("appsettings.json", "appsettings.Production.json"):
        instance = json.loads((tree / service["folder"] / name).read_text(encoding="utf-8"))
        if next(validator.iter_errors(instance), None) is not None:
            valid = False
    verdicts.append(f"{service['id']} {'valid' if valid else 'invalid'}")
elapsed = time.perf_counter() - start
print("\n".join(verdicts))
print(f"seconds={elapsed:.6f}")
print(f"import_seconds={imported - start:.6f}")
