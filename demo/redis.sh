#!/usr/bin/env bash
# The second demo: one limit shared by two servers. Builds everything, starts a throwaway
# redis-server on a free loopback port, two sample MCP servers with the agent and store=redis
# pointing at it (demo/ratelimit-redis.properties), and spreads one caller's burst over both: what
# each server admits and the X-RateLimit-Remaining each reports count down one shared bucket.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  echo "demo/redis.sh: needs a JDK 17 and Maven (apt-get install openjdk-17-jdk-headless maven)" >&2
  exit 1
fi
for tool in redis-server redis-cli curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "demo/redis.sh: needs $tool (apt-get install redis-server curl; ./test.sh installs redis-server too)" >&2
    exit 1
  fi
done

echo "== building (mvn -q -DskipTests package)"
mvn -B -q -DskipTests package

AGENT=agent/target/mcp-ratelimit-agent.jar
SERVER=sample-mcp-server/target/sample-mcp-server.jar
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mcp-ratelimit-redis-demo.XXXXXX")
REDIS_PID=""
A_PID=""
B_PID=""

# Runs on every exit, also a failed one: stops both servers and Redis, removes the temp folder
# (logs, the config copy), and keeps the script's own exit status.
cleanup() {
  local status=$?
  for pid in "$A_PID" "$B_PID" "$REDIS_PID"; do
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free loopback port: ask the kernel for one, then give it to redis-server.
# Without python3: a random high port that nothing answers on.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  else
    local p
    while :; do p=$((20000 + RANDOM % 20000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }; done
  fi
}

REDIS_PORT=$(free_port)
echo "== starting: redis-server --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 1 50); do
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  kill -0 "$REDIS_PID" 2>/dev/null || { cat "$WORK/redis.log" >&2; exit 1; }
  sleep 0.1
done
redis-cli -p "$REDIS_PORT" ping >/dev/null || { echo "redis-server did not start" >&2; cat "$WORK/redis.log" >&2; exit 1; }

CONFIG=$WORK/ratelimit-redis.properties
sed "s#^store.redis.url=.*#store.redis.url=redis://127.0.0.1:$REDIS_PORT/0#" demo/ratelimit-redis.properties >"$CONFIG"

# start NAME: one sample server with the agent; sets URL_<NAME> once it listens.
start() {
  local name=$1 log=$WORK/server-$1.log pid url=""
  echo "== starting server $name: java -javaagent:$AGENT=demo/ratelimit-redis.properties (store.redis.url port $REDIS_PORT) -jar $SERVER --port 0"
  java -javaagent:"$AGENT=$CONFIG" -jar "$SERVER" --port 0 2>"$log" &
  pid=$!
  if [ "$name" = A ]; then A_PID=$pid; else B_PID=$pid; fi
  for _ in $(seq 1 150); do
    url=$(grep -o 'http://[^ ]*/mcp' "$log" || true)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  [ -n "$url" ] || { echo "server $name did not start" >&2; cat "$log" >&2; exit 1; }
  grep '\[mcp-ratelimit\]' "$log" | sed "s#$WORK/#<tmp>/#" || true
  echo "   server $name at $url"
  printf -v "URL_$name" '%s' "$url"
}
start A
start B

KEY=erin-demo-key
TRACK='{"name":"get_track","arguments":{"id":"trk-1-1"}}'

# raw_call NAME: one tools/call by hand (curl), to show the rate-limit headers the SDK client hides.
raw_call() {
  local name=$1 url sid headers status remaining
  url=URL_$1; url=${!url}
  headers=$WORK/headers
  curl -s -D "$headers" -o /dev/null -H "X-API-Key: $KEY" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}' "$url"
  sid=$(tr -d '\r' <"$headers" | awk -F': ' 'tolower($1)=="mcp-session-id" { print $2 }')
  curl -s -o /dev/null -H "X-API-Key: $KEY" -H "Mcp-Session-Id: $sid" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' -d '{"jsonrpc":"2.0","method":"notifications/initialized"}' "$url"
  curl -s -D "$headers" -o /dev/null -H "X-API-Key: $KEY" -H "Mcp-Session-Id: $sid" -H 'Content-Type: application/json' \
    -H 'Accept: application/json, text/event-stream' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":$TRACK}" "$url"
  status=$(tr -d '\r' <"$headers" | awk 'NR==1 { print $2 }')
  remaining=$(tr -d '\r' <"$headers" | awk -F': ' 'tolower($1)=="x-ratelimit-remaining" { print $2 }')
  echo "   server $name: HTTP $status, X-RateLimit-Remaining: ${remaining:-(none)}"
}

# burst NAME CALLS: CALLS calls of get_track by erin with the demo client (official MCP SDK client).
burst() {
  local name=$1 calls=$2 url
  url=URL_$1; url=${!url}
  echo "   server $name, $calls calls with the demo client:"
  java -cp "$SERVER" com.example.music.DemoClient --url "$url" --tool get_track --calls "$calls" --api-key "$KEY" \
    | sed 's/^/     /'
}

echo
echo "== erin (free, here 10/h with a burst of 10, so nothing refills during the demo) alternates between the servers, one call each, by hand (curl):"
raw_call A
raw_call B
raw_call A
raw_call B
echo
echo "== and goes on with the demo client, 4 calls on A, 4 on B, 1 more on A:"
burst A 4
burst B 4
burst A 1
echo
echo "== what Redis holds: one hash for erin, shared by both servers"
redis-cli -p "$REDIS_PORT" --scan --pattern 'mcp-rl-demo:*' | sed 's/^/   key /'
echo
echo "== erin asks server B's rate_limit_status tool where she stands (it costs her no tokens)"
java -cp "$SERVER" com.example.music.DemoClient --url "$URL_B" --tool rate_limit_status --calls 1 \
  --api-key "$KEY" --show-result | sed -n '1p' | sed 's/^/   /'
