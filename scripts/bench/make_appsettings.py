#!/usr/bin/env python3
"""Writes a multi-megabyte appsettings-shaped JSON file (no comments, so every parser reads it)."""
import json, random, sys

random.seed(42)
target = int(sys.argv[2]) if len(sys.argv) > 2 else 8_000_000
services = ["userservice", "accountservice", "complianceservice", "feeservice", "securityservice",
            "tokenservice", "governanceservice", "treasuryservice", "paymentgatewayservice",
            "liquidationservice", "infrastructureservice", "identityverificationservice",
            "aireviewservice", "notificationservice", "signatureservice", "orchestrationservice",
            "marketplaceservice", "unifiedcartservice", "quantumledgerhub", "webapigateway",
            "adminapigateway", "mobileapigateway"]

def section(i):
    svc = services[i % len(services)]
    return {
        "Logging": {"LogLevel": {"Default": "Information", "Microsoft.AspNetCore": "Warning", "System.Net.Http": "Warning"}},
        "ConnectionStrings": {f"postgres-{svc}": f"Host=ep-example-{i}.aws.neon.tech;Database=quantumskylink_{svc};Username=owner;Password=npg_{random.getrandbits(64):016x};SSL Mode=Require;Trust Server Certificate=true"},
        "AWS": {"Region": "us-east-1", "ProjectName": "qsl", "Deployment": {"Environment": "staging"},
                "EventBridge": {"Enabled": True, "BusName": f"qsl-staging-core", "Retries": 3},
                "SQS": {"QueueUrl": f"https://sqs.us-east-1.amazonaws.com/123456789012/qsl-staging-{svc}-inbox", "VisibilityTimeout": 30}},
        "Security": {"JWT": {"Secret": "${aws:secrets:qsl/staging/jwt:secret}", "Issuer": "qsl", "Audience": "qsl-clients", "ExpirationMinutes": 60},
                     "Limits": [random.randint(1, 10**6) for _ in range(8)], "Ratio": round(random.random(), 6)},
        "Features": {f"Flag{j}": bool(j % 2) for j in range(10)},
        "Endpoints": [{"Name": f"{svc}-{j}", "Url": f"https://{svc}.internal/api/v{j}", "TimeoutSeconds": 30 + j, "Enabled": j % 3 != 0, "Tags": ["a", "b\u00e9", "c\"q"]} for j in range(6)],
        "Description": "Service configuration for " + svc + " — unicode ✓ and escapes \t\n",
        "Nullable": None,
    }

root = {}
i = 0
while True:
    root[f"Service{i:05d}"] = section(i)
    i += 1
    if i % 50 == 0 and len(json.dumps(root)) >= target:
        break
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(root, f, indent=2, ensure_ascii=False)
