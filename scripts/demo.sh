#!/usr/bin/env bash
# The main job, end to end, on the embedded default: no AWS account needed.
#
#   scripts/demo.sh
#
# Builds qsl-config, seeds the embedded local store under the platform root
# (.qsl/local-store.json, encrypted, key beside it) with the demo platform's fake secrets from
# platform/dev-seed.json (idempotent: a second run writes nothing), validates the tree, writes
# the development bundles of all 22 services in every format under out/, checks them, then
# migrates a scratch copy of the tree from the smoke test's plaintext credentials into an
# embedded store for production (out/migrate/, the repository's own files untouched), checks
# what is due for rotation there and rotates the JWT signing key, and says where everything is. Afterwards, from the repository root:
#
#   qsl-config bundle --root . --environment development --format json --output out/
#   qsl-config resolve --root . --environment development --service userservice
#
# QSL_CONFIG_BIN=/path/to/qsl-config skips the build (the tests run the script that way).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -n ${QSL_CONFIG_BIN:-} ]]; then
  bin=$QSL_CONFIG_BIN
else
  # The C libraries qsl-config builds against: libcrypto/libssl (hashing, encryption, Redis TLS),
  # libpq (rotation at PostgreSQL) and libcurl (AWS calls), whose headers it needs and which it
  # loads on first use.
  packages=()
  pkg-config --exists libcrypto libssl 2>/dev/null || packages+=(libssl-dev pkg-config)
  pkg-config --exists libpq 2>/dev/null || packages+=(libpq-dev pkg-config)
  pkg-config --exists libcurl 2>/dev/null || packages+=(libcurl4-openssl-dev pkg-config)
  if ((${#packages[@]})); then
    if [[ $(id -u) -eq 0 ]]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
    else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"; fi
  fi
  swift build --product qsl-config >&2
  bin=$(swift build --show-bin-path)/qsl-config
fi

echo "== 1. Seed the embedded local store with the demo platform's fake secrets"
"$bin" seed --root . --environment development --from platform/dev-seed.json

echo "== 2. Validate every service's configuration (schemas and policies), as CI does"
# Every finding goes to out/validate.txt; the warnings are the platform's own naming drift
# (several spellings of one setting), shown so that nobody silently picks one.
mkdir -p out
status=0
"$bin" validate --root . --environment development > out/validate.txt || status=$?
grep -m 3 'warning:' out/validate.txt || true
echo "   ... all findings in out/validate.txt"
tail -n 1 out/validate.txt
((status == 0)) || exit "$status"

echo "== 3. Bundle all 22 services for development, in every format, in one resolution pass each"
for format in dotenv json ecs k8s; do
  "$bin" bundle --root . --environment development --format "$format" --output "out/$format"
done

echo "== 4. Check the bundles against the tree, as CI would (exit 1 on drift)"
for format in dotenv json ecs k8s; do
  "$bin" bundle --root . --environment development --format "$format" --output "out/$format" --check
done

echo "== 5. One service's effective configuration (shared settings filtered by the catalogue; secrets redacted)"
"$bin" resolve --root . --environment development --service userservice \
  | grep -E '"(ConnectionStrings:postgres-userservice|Logto:AppSecret|Logto:Authority|Security:JWT:Secret)"' || true

echo "== 6. Migrate the smoke test's plaintext credentials (a scratch copy in out/migrate, an embedded store for production)"
rm -rf out/migrate && mkdir -p out/migrate && cp -R environments platform schemas out/migrate/
migrate=("$bin" migrate --root out/migrate --from smoke --to production --store local --local-store out/migrate/.qsl/production-store.json)
"${migrate[@]}" --dry-run > out/migrate-plan.txt
grep -E '^(action|create)' out/migrate-plan.txt | head -n 6 || true
echo "   ... the whole plan (no values in it) in out/migrate-plan.txt"
"${migrate[@]}" > out/migrate.txt
tail -n 1 out/migrate.txt
echo "   the rewritten base file now references the store:"
grep -m 2 -E '"(postgres-userservice|Secret)": "\$\{aws:secrets:' out/migrate/platform/QuantunSkyLink_v2.AppHost/appsettings.json | sed 's/^ */     /' || true
echo "   a second run:"
"${migrate[@]}" > out/migrate-again.txt
head -n 1 out/migrate-again.txt
"$bin" validate --root out/migrate --environment production | tail -n 1

echo "== 7. Rotation on the same embedded store: what is due, then the JWT signing key rotated"
rotate=("$bin" rotate --root out/migrate --environment production --store local --local-store out/migrate/.qsl/production-store.json)
"${rotate[@]}" --check > out/rotate-check.txt
tail -n 1 out/rotate-check.txt
"${rotate[@]}" --secret qsl/production/jwt | tail -n 2
"${rotate[@]}" --kind postgres --dry-run > out/rotate-postgres.txt
tail -n 1 out/rotate-postgres.txt

cat <<EOF

Bundles for all 22 services are in $(pwd)/out:
  out/dotenv/<service>/service.env                   docker run --env-file (mode 0600)
  out/json/<service>/config.json                     the flat resolved map (mode 0600)
  out/ecs/<service>/container-definition.json        secrets as valueFrom ARNs, never values
  out/ecs/<service>/iam-policy.json                  the least-privilege policy that reads them
  out/k8s/<service>/configmap.yaml, secret.yaml      for envFrom (secret.yaml mode 0600)
  out/<format>/manifest.json                         the sha256 of every file
The migrated copy of the tree is in out/migrate (its journal in out/migrate/.qsl/migrate-journal.json;
  $bin migrate --root out/migrate --rollback --store local --local-store out/migrate/.qsl/production-store.json
puts every file back).
Next, from $(pwd):
  $bin bundle --root . --environment development --format json --output out/
  $bin resolve --root . --environment development --service userservice
EOF
