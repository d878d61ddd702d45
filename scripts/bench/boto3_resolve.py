#!/usr/bin/env python3
"""What teams do today, for comparison with qsl-config: resolve every ${aws:...} reference of
every service with its own boto3 call, one GetSecretValue or GetParameter per reference.

usage: boto3_resolve.py ENDPOINT_URL OUTPUT_JSON CONFIG_JSON...

Each CONFIG_JSON is one service's configuration with its references as written
(`qsl-config resolve --keep-references --show-secrets --format json`). Prints
`calls=N seconds=S`, S being the resolution alone: the interpreter start, the boto3 import and
the client set-up are not counted, which favours this script. The resolved configurations go
to OUTPUT_JSON (a list, in argument order; `-` for none) so the benchmark can check that both
tools produced the same values; they are never printed.
"""
import json
import re
import sys
import time

import boto3

REFERENCE = re.compile(r"\$\{aws:(secrets|parameter|ssm):([^}]*)\}")


def main():
    endpoint, output, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    services = []
    for path in files:
        with open(path) as handle:
            services.append(json.load(handle))
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    secrets = session.client("secretsmanager", endpoint_url=endpoint)
    ssm = session.client("ssm", endpoint_url=endpoint)
    calls = 0

    def fetch(match):
        nonlocal calls
        kind, body = match.group(1), match.group(2)
        calls += 1
        if kind == "secrets":
            name, _, key = body.partition(":")
            text = secrets.get_secret_value(SecretId=name)["SecretString"]
            return str(json.loads(text)[key.split(":")[0]]) if key else text
        return ssm.get_parameter(Name=body, WithDecryption=True)["Parameter"]["Value"]

    start = time.perf_counter()
    resolved = [
        {key: REFERENCE.sub(fetch, value) if isinstance(value, str) else value for key, value in service.items()}
        for service in services
    ]
    seconds = time.perf_counter() - start
    if output != "-":
        with open(output, "w") as handle:
            json.dump(resolved, handle)
    print(f"calls={calls} seconds={seconds:.6f}")


if __name__ == "__main__":
    main()
