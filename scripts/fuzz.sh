#!/usr/bin/env bash
# Fuzzes one parser of untrusted text with libFuzzer.
#
# usage: scripts/fuzz.sh list
#        scripts/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags...]     (SECONDS defaults to 60)
#        scripts/fuzz.sh build TARGET                                    (build only)
#
# Each target is Fuzz/<Name>FuzzTarget.swift (the AWS ones with Fuzz/AWSFuzzSupport.swift), with
# a seed corpus Fuzz/corpus/<target>/ and a dictionary Fuzz/dict/<target>.dict. `SECONDS` alone
# (the old form) fuzzes the reader. The modules a target reaches are compiled here with
# swiftc -sanitize=fuzzer,address (coverage-guided and address-checked), never by the package
# build; their third-party dependencies (swift-collections, swift-log) come from `swift build`.
# Everything generated (modules, the fuzzer, the growing corpus, crash files) is in the
# git-ignored Fuzz/.work/. A crash, timeout or out-of-memory input is written to
# Fuzz/.work/<target>/artifacts/ and belongs in a regression test of the normal suite.
set -euo pipefail
cd "$(dirname "$0")/.."

# target | fuzz source | instrumented modules it imports, in build order
targets=(
  "reader|ReaderFuzzTarget.swift|core"
  "placeholder|PlaceholderFuzzTarget.swift|core"
  "connection-string|ConnectionStringFuzzTarget.swift|core resources-strings redis-strings"
  "env-file|EnvironmentFileFuzzTarget.swift|core"
  "schema|SchemaFuzzTarget.swift|core schema"
  "regex|RegexFuzzTarget.swift|core schema"
  "aws-json|AWSJSONFuzzTarget.swift AWSFuzzSupport.swift|core aws"
  "aws-xml|AWSXMLFuzzTarget.swift AWSFuzzSupport.swift|core aws"
)

usage() { sed -n 4,6p "$0" | sed 's/^# //' >&2; exit 2; }

lookup() {
  local row
  for row in "${targets[@]}"; do
    if [[ ${row%%|*} == "$1" ]]; then echo "$row"; return 0; fi
  done
  echo "fuzz.sh: no target '$1' (scripts/fuzz.sh list)" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
if [[ $1 == list ]]; then
  for row in "${targets[@]}"; do echo "${row%%|*}"; done
  exit 0
fi
build_only=0
if [[ $1 == build ]]; then
  build_only=1
  shift
  [[ $# -ge 1 ]] || usage
fi
target=$1
# The old form `scripts/fuzz.sh SECONDS` fuzzes the reader.
if [[ $target =~ ^[0-9]+$ ]]; then set -- reader "$@"; target=reader; fi
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
IFS='|' read -r _ source modules <<<"$(lookup "$target")"

work=Fuzz/.work
modout=$work/modules
mkdir -p "$modout"

# Third-party modules, built once as plain libraries by the package build.
swift build --target QSLConfigCore >/dev/null
[[ $modules == *aws* ]] && swift build --target QSLConfigAWS >/dev/null
bin=$(swift build --show-bin-path)
spm=$bin/Modules
[[ -d $spm ]] || spm=$bin
spm_objects() { local m; for m in "$@"; do ls "$bin/$m.build/"*.o; done; }

# Compiles one module's sources, instrumented, to $modout/NAME.{o,swiftmodule}; skipped when
# the object is newer than every source.
module() {
  local name=$1; shift
  local -a sources=()
  local arg
  for arg in "$@"; do [[ $arg == -* ]] || sources+=("$arg"); done
  local object=$modout/$name.o
  if [[ -f $object ]] && [[ -z $(find "${sources[@]}" -newer "$object" 2>/dev/null) ]]; then return; fi
  echo "fuzz.sh: compiling $name (instrumented)" >&2
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -enable-testing -wmo \
    -package-name qsl_config -module-name "$name" -emit-module -emit-module-path "$modout/$name.swiftmodule" \
    -emit-object -o "$object" -I "$modout" -I "$spm" "$@"
}

objects=()
links=()
for m in $modules; do
  case $m in
    core)
      module QSLConfigCore Sources/QSLConfigCore/*/*.swift
      objects+=("$modout/QSLConfigCore.o")
      mapfile -t -O "${#objects[@]}" objects < <(spm_objects OrderedCollections InternalCollectionsUtilities) ;;
    schema)
      module QSLConfigSchema $(find Sources/QSLConfigSchema -name '*.swift' | sort)
      objects+=("$modout/QSLConfigSchema.o") ;;
    resources-strings)
      # Only the connection-string reader: the rest of the module needs libpq.
      module QSLConfigResources Sources/QSLConfigResources/ConnectionStrings/*.swift
      objects+=("$modout/QSLConfigResources.o") ;;
    redis-strings)
      module QSLConfigRedis Sources/QSLConfigRedis/RedisConnectionString.swift
      objects+=("$modout/QSLConfigRedis.o") ;;
    aws)
      # CLibCurl and CLibCrypto (the libcurl and libcrypto loaders, C targets) come from the
      # package build like the third-party modules: their module maps are the ones SwiftPM generates.
      module QSLConfigAWS -Xcc -fmodule-map-file="$bin/CLibCrypto.build/module.modulemap" \
        -Xcc -fmodule-map-file="$bin/CLibCurl.build/module.modulemap" \
        $(find Sources/QSLConfigAWS -name '*.swift' | sort)
      objects+=("$modout/QSLConfigAWS.o")
      mapfile -t -O "${#objects[@]}" objects < <(spm_objects QSLCrypto Logging CLibCurl CLibCrypto)
      links+=(-Xcc -fmodule-map-file="$bin/CLibCrypto.build/module.modulemap" -Xcc -fmodule-map-file="$bin/CLibCurl.build/module.modulemap") ;;
  esac
done

fuzz_sources=()
for f in $source; do fuzz_sources+=("Fuzz/$f"); done
fuzzer=$work/$target/fuzzer
mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
if [[ ! -x $fuzzer || -n $(find "${fuzz_sources[@]}" "${objects[@]}" -newer "$fuzzer") ]]; then
  echo "fuzz.sh: linking $target" >&2
  swiftc -sanitize=fuzzer,address -parse-as-library -O -g -package-name qsl_config -module-name FuzzTarget \
    -I "$modout" -I "$spm" "${links[@]}" "${fuzz_sources[@]}" "${objects[@]}" -o "$fuzzer"
fi
[[ $build_only == 1 ]] && exit 0

cp -n Fuzz/corpus/"$target"/* "$work/$target/corpus/" 2>/dev/null || true
dict=()
[[ -f Fuzz/dict/$target.dict ]] && dict=(-dict="Fuzz/dict/$target.dict")
echo "fuzz.sh: running $target for ${seconds}s" >&2
# libFuzzer reports crashes itself; Swift's backtracer would stall on an ASan process. Leak
# checking is off: the Swift runtime's metadata caches read as leaks at exit.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
"$fuzzer" "$work/$target/corpus" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$work/$target/artifacts/" -print_final_stats=1 -detect_leaks=0 "${dict[@]}" "$@"
