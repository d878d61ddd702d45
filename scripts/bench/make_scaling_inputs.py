#!/usr/bin/env python3
"""Writes one input of scripts/bench-scaling.sh: a configuration folder (and a schema or a seed
file where the case needs one) whose size grows with N.

usage: make_scaling_inputs.py CASE N OUT_DIR

Cases (each file is written minified, on one line, the worst case for positions):
  resolve-value     appsettings.json: one key whose value holds N `${QSL_BENCH_UNSET:d}` references
  resolve-keys      appsettings.json: N keys, each holding one `${QSL_BENCH_UNSET:d}` reference
  resolve-aws       appsettings.json: N keys, each `${aws:secrets:bench/sK:kJ}` (64 JSON secrets of
                    at most 2,048 keys each, so N references name N different (secret, key) pairs);
                    seed.json: the secrets (bench-scaling.sh writes them with `secret put`)
  resolve-array     appsettings.json: one array of N strings (memory per element)
  validate-array    appsettings.json: one array of N numbers; schema.json: {"type": "object"}
  validate-object   appsettings.json: one object of N keys; schema.json: {"type": "object"}
  ref-chain         appsettings.json: {"A": "x"}; schema.json: a chain of N `$ref`s through $defs
                    ending in {"type": "object"}
"""
import json
import os
import sys

SECRETS = 64
KEYS_PER_SECRET = 2048


def write(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, separators=(",", ":"))
        f.write("\n")


def main():
    case, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(out, exist_ok=True)
    settings = os.path.join(out, "appsettings.json")
    schema = os.path.join(out, "schema.json")
    if case == "resolve-value":
        write(settings, {"Value": "${QSL_BENCH_UNSET:d}" * n})
    elif case == "resolve-keys":
        write(settings, {"Section": {f"K{i}": "${QSL_BENCH_UNSET:d}" for i in range(n)}})
    elif case == "resolve-aws":
        if n > SECRETS * KEYS_PER_SECRET:
            sys.exit(f"resolve-aws supports at most {SECRETS * KEYS_PER_SECRET} references")
        write(settings, {"Section": {f"K{i}": f"${{aws:secrets:bench/s{i % SECRETS}:k{i // SECRETS}}}" for i in range(n)}})
        secrets = {}
        for i in range(n):
            secrets.setdefault(f"bench/s{i % SECRETS}", {})[f"k{i // SECRETS}"] = f"v{i}"
        write(os.path.join(out, "seed.json"), {"secrets": secrets})
    elif case == "resolve-array":
        write(settings, {"Items": [f"item-{i}" for i in range(n)]})
    elif case == "validate-array":
        write(settings, {"Items": list(range(n))})
        write(schema, {"type": "object"})
    elif case == "validate-object":
        write(settings, {"Section": {f"K{i}": i for i in range(n)}})
        write(schema, {"type": "object"})
    elif case == "ref-chain":
        write(settings, {"A": "x"})
        defs = {f"d{i}": {"$ref": f"#/$defs/d{i + 1}"} for i in range(n)}
        defs[f"d{n}"] = {"type": "object"}
        write(schema, {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": "#/$defs/d0", "$defs": defs})
    else:
        sys.exit(f"unknown case {case}")


if __name__ == "__main__":
    main()
