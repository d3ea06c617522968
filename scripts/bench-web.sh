#!/usr/bin/env bash
# Web benchmark (issue "Web workspace"): wrk at 64 connections against `theodoi serve` on the SQLite
# default. Prints throughput and p99 of /healthz (the baseline), a plan page and an agency home,
# each page's throughput as a share of /healthz (target >= 15%), p99 (target <= 50 ms) and the
# server's peak RSS (target <= 100 MB).
# Usage: scripts/bench-web.sh [SECONDS]   (needs wrk and curl: apt-get install wrk curl)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-10}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cargo build --release -q -p theodoi
BIN="${CARGO_TARGET_DIR:-target}/release/theodoi"
WORK="$(mktemp -d)"
PORT=$((20000 + RANDOM % 20000))
PASS="bench-password-$RANDOM-$RANDOM"
THEODOI_ADMIN_PASSWORD="$PASS" THEODOI_LOG=warn "$BIN" serve --listen "127.0.0.1:$PORT" \
  --database "sqlite://$WORK/bench.db" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# Sign in as the administrator (who may read every page) and keep the session cookie.
JAR="$WORK/cookies"
TOKEN=$(curl -s -c "$JAR" "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1)
curl -s -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "username=admin" --data-urlencode "password=$PASS" \
  --data-urlencode "csrf=$TOKEN" "http://127.0.0.1:$PORT/login"
SESSION=$(awk '$6 == "theodoi_session" {print $7}' "$JAR")
[ -n "$SESSION" ] || { echo "sign-in failed" >&2; exit 1; }
AGENCY=$(curl -s -b "theodoi_session=$SESSION" "http://127.0.0.1:$PORT/agencies" |
  grep -o 'href="/agencies/[0-9]*">Sở Tư pháp<' | grep -o '[0-9][0-9]*' | head -n 1)
for path in /plans/1 "/agencies/$AGENCY/home"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "theodoi_session=$SESSION" "http://127.0.0.1:$PORT$path")
  [ "$code" = 200 ] || { echo "$path answered $code" >&2; exit 1; }
done

run() { # path -> "req/s p99_ms"
  wrk -t2 -c64 -d"${DURATION}s" --latency -H "Cookie: theodoi_session=$SESSION" "http://127.0.0.1:$PORT$1" |
    awk '/Requests\/sec/ {rps=$2} / 99%/ {v=$2; if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /us$/) {sub("us","",v); v=v/1000} else if (v ~ /s$/) {sub("s","",v); v=v*1000}; p99=v} END {printf "%.0f %.2f", rps, p99}'
}
read -r H_RPS H_P99 <<<"$(run /healthz)"
read -r P_RPS P_P99 <<<"$(run /plans/1)"
read -r A_RPS A_P99 <<<"$(run "/agencies/$AGENCY/home")"
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER/status")

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); wrk -t2 -c64 -d${DURATION}s"
printf '%-22s %10s %10s %12s\n' page "req/s" "p99 ms" "vs /healthz"
printf '%-22s %10s %10s %12s\n' "/healthz (baseline)" "$H_RPS" "$H_P99" "100%"
for row in "plan page:$P_RPS:$P_P99" "agency home:$A_RPS:$A_P99"; do
  IFS=: read -r name rps p99 <<<"$row"
  printf '%-22s %10s %10s %11.1f%%\n' "$name" "$rps" "$p99" "$(echo "$rps $H_RPS" | awk '{print 100*$1/$2}')"
done
echo "server peak RSS: $((RSS_KB / 1024)) MB (target <= 100 MB)"
verdict=PASS
for row in "$P_RPS:$P_P99" "$A_RPS:$A_P99"; do
  IFS=: read -r rps p99 <<<"$row"
  awk -v r="$rps" -v h="$H_RPS" -v p="$p99" 'BEGIN {exit !(r >= 0.15*h && p <= 50)}' || verdict=FAIL
done
[ "$RSS_KB" -le $((100 * 1024)) ] || verdict=FAIL
echo "web: $verdict"
