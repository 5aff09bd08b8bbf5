#!/usr/bin/env bash
# The demo: builds everything, starts the sample MCP server with the agent attached (in-memory
# store, demo/ratelimit.properties), sends bursts of calls with the official SDK client as callers
# of each tier, and prints what was allowed and rejected.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  echo "demo: needs a JDK 17 and Maven (apt-get install openjdk-17-jdk-headless maven)" >&2
  exit 1
fi

echo "== building (mvn -q -DskipTests package)"
mvn -B -q -DskipTests package

AGENT=agent/target/mcp-ratelimit-agent.jar
SERVER=sample-mcp-server/target/sample-mcp-server.jar
CONFIG=demo/ratelimit.properties
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcp-ratelimit-demo.XXXXXX")
LOG=$WORK/server.log
SERVER_PID=""

# Runs on every exit, also a failed one: stops the server, removes the temp folder, and keeps the
# script's own exit status (the killed server's 143 from wait is expected, not a failure).
cleanup() {
  local status=$?
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== starting: java -javaagent:$AGENT=$CONFIG -jar $SERVER --port 0"
java -javaagent:"$AGENT=$CONFIG" -jar "$SERVER" --port 0 2>"$LOG" &
SERVER_PID=$!

URL=""
for _ in $(seq 1 150); do
  URL=$(grep -o 'http://[^ ]*/mcp' "$LOG" || true)
  [ -n "$URL" ] && break
  kill -0 $SERVER_PID 2>/dev/null || { cat "$LOG" >&2; exit 1; }
  sleep 0.2
done
[ -n "$URL" ] || { echo "server did not start" >&2; cat "$LOG" >&2; exit 1; }
grep '\[mcp-ratelimit\]' "$LOG" || true
echo "   server at $URL"

# burst LABEL TOOL CALLS [API_KEY]: calls as fast as one client can; one line per call is too much
# for the big tiers, so show the first rejection and the summary. Buckets refill continuously,
# so a long burst also gets what refills while it runs.
burst() {
  local label=$1 tool=$2 calls=$3 key=${4:-}
  echo
  echo "== $label: $calls calls of $tool"
  java -cp "$SERVER" com.example.music.DemoClient --url "$URL" --tool "$tool" --calls "$calls" \
    ${key:+--api-key "$key"} | awk '/: rejected/ && !shown { print "   first rejection: " $0; shown=1 } /^summary/ { print "   " $0 }'
}

burst "anonymous (free: 10/min, burst 10)" get_track 12
burst "bob (basic: 60/min, burst 60)" get_track 65 bob-demo-key
burst "alice (premium: 300/min, burst 300)" get_track 320 alice-demo-key
burst "carol (enterprise: 1000/min, burst 1000)" get_track 1150 carol-demo-key
burst "dave (basic) calls recommend_tracks, which costs 5 tokens: 60 / 5 = 12 calls" recommend_tracks 14 dave-demo-key
burst "erin (free) calls search_tracks, limited to 5/min for free callers" search_tracks 7 erin-demo-key
burst "frank (enterprise) calls recommend_tracks; its upstream API allows 20 calls a minute in all, dave used 12" recommend_tracks 12 frank-demo-key

echo
echo "== dave asks the agent's rate_limit_status tool where he stands (it costs him no tokens)"
java -cp "$SERVER" com.example.music.DemoClient --url "$URL" --tool rate_limit_status --calls 1 \
  --api-key dave-demo-key --show-result | sed -n '1p' | sed 's/^/   /'
