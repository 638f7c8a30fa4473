#!/usr/bin/env bash
# Coverage-guided fuzzing of Gavel's parsers and readers with libFuzzer and AddressSanitizer.
#
#   bash scripts/fuzz.sh TARGET SECONDS     one target (see the list below)
#   bash scripts/fuzz.sh all SECONDS        every target, SECONDS each (CI runs this briefly)
#
# Builds the gavel-fuzz product into .build-fuzz with -sanitize=fuzzer,address, seeds each
# target's working corpus (.build-fuzz/corpus/TARGET, kept between runs) from the project's
# fixtures and Tests/GavelFuzzTests/Corpus/TARGET, and runs libFuzzer with the target's
# dictionary from scripts/fuzz/TARGET.dict. A crash, a hang (-timeout) or running out of
# memory (-rss_limit_mb) stops the run with exit 1 and leaves the input in
# .build-fuzz/findings/TARGET/; copy it into Tests/GavelFuzzTests/Corpus/TARGET/ so the
# regression test keeps it, then fix the cause.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(policy snapshot results baseline nginx nginx-dump php-ini fpm-pool sshd-config php-source unserialize shopify-response x509 secrets config-file)
target=${1:?usage: scripts/fuzz.sh TARGET|all SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET|all SECONDS}
# Per-input limits: an input that takes longer than this is a hang, one that needs more
# memory than this is an out-of-memory finding.
timeout_s=${GAVEL_FUZZ_TIMEOUT:-3}
rss_mb=${GAVEL_FUZZ_RSS_MB:-2048}

scratch=.build-fuzz
swift build --product gavel-fuzz --scratch-path "$scratch" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DGAVEL_FUZZ >&2
bin="$scratch/debug/gavel-fuzz"

# Seeds from the fixtures the test suites already keep, per target.
seed() { # target files...
  local t=$1; shift
  local dir="$scratch/corpus/$t"
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/seed-$(sha256sum "$f" | cut -c1-16)"; done
  return 0
}
seeds() {
  local t=$1
  shopt -s nullglob globstar
  case $t in
    policy) seed "$t" Policies/**/*.yaml Tests/GavelEngineTests/Conformance/*/policy.yaml Tests/GavelEngineTests/Diagnostics/* examples/**/*.yaml ;;
    snapshot) seed "$t" Snapshots/*/*.json ;;
    results|baseline) seed "$t" Tests/GavelReportersTests/Golden/*.json ;;
    nginx) seed "$t" examples/fleet/*/root/etc/nginx/**/*.conf examples/fleet/*/root/etc/nginx/sites-enabled/* ;;
    nginx-dump)
      for site in examples/fleet/*/root; do
        local out="$scratch/corpus/$t/seed-$(basename "$(dirname "$site")")"
        mkdir -p "$scratch/corpus/$t"
        : > "$out"
        for f in "$site"/etc/nginx/nginx.conf "$site"/etc/nginx/**/*.conf "$site"/etc/nginx/sites-enabled/*; do
          [ -f "$f" ] && { printf '# configuration file %s:\n' "${f#$site}"; cat "$f"; printf '\n'; } >> "$out"
        done
      done ;;
    php-ini) seed "$t" examples/fleet/*/root/etc/php/*/*/php.ini Tests/GavelCollectorsTests/PHP/Corpus/* ;;
    fpm-pool) seed "$t" examples/fleet/*/root/etc/php/*/fpm/pool.d/*.conf ;;
    sshd-config) seed "$t" examples/fleet/*/root/etc/ssh/sshd_config /etc/ssh/sshd_config ;;
    php-source) seed "$t" Tests/GavelCollectorsTests/PHPSource/PHPSourceCorpus/* /usr/share/wordpress/wp-config-sample.php ;;
    x509) seed "$t" examples/fleet/*/root/etc/ssl/certs/*.pem ;;
    *) ;;
  esac
  seed "$t" Tests/GavelFuzzTests/Corpus/"$t"/*
}

run() { # target seconds
  local t=$1 s=$2
  seeds "$t"
  mkdir -p "$scratch/findings/$t"
  local dict=()
  [ -f "scripts/fuzz/$t.dict" ] && dict=(-dict="scripts/fuzz/$t.dict")
  echo "== $t: ${s}s" >&2
  GAVEL_FUZZ_TARGET="$t" GAVEL_FUZZ_POLICIES=Policies ASAN_OPTIONS=detect_leaks=0 \
    "$bin" "$scratch/corpus/$t" "${dict[@]}" -max_total_time="$s" -timeout="$timeout_s" -rss_limit_mb="$rss_mb" \
    -max_len=65536 -artifact_prefix="$scratch/findings/$t/" -print_final_stats=1 2> "$scratch/$t.log" || {
      echo "fuzz $t: a finding; the input is in $scratch/findings/$t/ (log: $scratch/$t.log)" >&2
      tail -40 "$scratch/$t.log" >&2
      return 1
    }
  grep -E "stat::number_of_executed_units|cov:" "$scratch/$t.log" | tail -2 | sed "s/^/  $t: /" >&2
}

if [ "$target" = all ]; then
  failed=0
  for t in "${targets[@]}"; do run "$t" "$seconds" || failed=1; done
  exit $failed
fi
printf '%s\n' "${targets[@]}" | grep -qx "$target" || { echo "unknown target $target; one of: ${targets[*]}" >&2; exit 2; }
run "$target" "$seconds"
