#!/usr/bin/env python3
"""Seeds Secrets Manager and Parameter Store (moto_server) with obviously fake values for every
${aws:...} reference in the given per-service configurations.

usage: seed_platform.py ENDPOINT_URL CONFIG_JSON...

Each CONFIG_JSON is `qsl-config resolve --keep-references --show-secrets --format json` output
for one service (references as written, no secret values). A secret referenced with JSON keys
becomes a JSON object holding those keys; one referenced whole becomes a connection-string-like
text. Parameters are plain String parameters. Prints how many secrets and parameters it made.
"""
import json
import re
import sys

import boto3

REFERENCE = re.compile(r"\$\{aws:(secrets|parameter|ssm):([^}]*)\}")


def references(values):
    for value in values:
        if isinstance(value, str):
            for kind, body in REFERENCE.findall(value):
                yield kind, body


def main():
    endpoint, files = sys.argv[1], sys.argv[2:]
    secrets = {}  # name -> set of JSON keys (empty: referenced whole)
    parameters = set()
    for path in files:
        with open(path) as handle:
            for kind, body in references(json.load(handle).values()):
                if kind == "secrets":
                    name, _, key = body.partition(":")
                    secrets.setdefault(name, set())
                    if key:
                        secrets[name].add(key.split(":")[0])
                else:
                    parameters.add(body.split(":")[0])
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    sm = session.client("secretsmanager", endpoint_url=endpoint)
    ssm = session.client("ssm", endpoint_url=endpoint)
    for index, (name, keys) in enumerate(sorted(secrets.items())):
        if keys:
            value = json.dumps({key: f"fake-{key}-{index:03d}" for key in sorted(keys)})
        else:
            value = f"Host=fake-{index:03d}.example;Database=fake;Username=svc;Password=fake-password-{index:03d}"
        sm.create_secret(Name=name, SecretString=value)
    for name in sorted(parameters):
        ssm.put_parameter(Name=name, Value=f"fake-value{name.replace('/', '-')}", Type="String", Overwrite=True)
    print(f"seeded {len(secrets)} secrets and {len(parameters)} parameters")


if __name__ == "__main__":
    main()
