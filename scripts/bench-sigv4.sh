#!/usr/bin/env bash
# Signs the same 10,000 Secrets Manager GetSecretValue requests with qsl-config's SigV4 signer
# (release build) and with botocore's SigV4Auth, checks both produce the same signature for a
# fixed-date sample, and prints both rates and their ratio.
#
#   scripts/bench-sigv4.sh [COUNT]
#
# Needs: swift, python3 with botocore. Builds into .build-release-bench (ignored by git).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/python-venv.sh"  # pinned python tools in .venv/

count="${1:-10000}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

echo "building qsl-bench (release) ..." >&2
swift build -c release --scratch-path .build-release-bench --product qsl-bench >&2
bench="$(swift build -c release --scratch-path .build-release-bench --show-bin-path)/qsl-bench"

swift_json="$("$bench" sigv4 "$count")"

python3 - "$count" "$swift_json" <<'PY'
import json, sys, time, datetime
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

count = int(sys.argv[1])
ours = json.loads(sys.argv[2])
host = "secretsmanager.us-east-1.amazonaws.com"
credentials = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
auth = SigV4Auth(credentials, "secretsmanager", "us-east-1")

def request(i):
    return AWSRequest(
        method="POST", url=f"https://{host}/",
        data=('{"SecretId":"qsl/production/bench/%d"}' % i).encode(),
        headers={"Content-Type": "application/x-amz-json-1.1",
                 "X-Amz-Target": "secretsmanager.GetSecretValue", "Host": host})

# Same fixed-date sample as the Swift driver, signed through botocore's stages.
sample = request(0)
sample.headers["X-Amz-Date"] = "20150830T123600Z"
sample.context["timestamp"] = "20150830T123600Z"
canonical = auth.canonical_request(sample)
botocore_signature = auth.signature(auth.string_to_sign(sample, canonical), sample)

requests = [request(i) for i in range(count)]
for r in requests[:1000]:
    auth.add_auth(r)
requests = [request(i) for i in range(count)]
start = time.perf_counter()
for r in requests:
    auth.add_auth(r)
seconds = time.perf_counter() - start
botocore_rate = count / seconds

agree = "yes" if botocore_signature == ours["sample_signature"] else "NO (%s vs %s)" % (ours["sample_signature"], botocore_signature)
print(f"requests signed:        {count} Secrets Manager GetSecretValue")
print(f"sample signatures agree: {agree}")
print(f"qsl-config SigV4Signer: {ours['rate']:>12,.0f} requests/s  ({ours['seconds']:.3f} s)")
print(f"botocore SigV4Auth:     {botocore_rate:>12,.0f} requests/s  ({seconds:.3f} s)")
print(f"ratio (qsl-config / botocore): {ours['rate'] / botocore_rate:.1f}x")
sys.exit(0 if botocore_signature == ours["sample_signature"] else 1)
PY
