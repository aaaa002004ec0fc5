#!/usr/bin/env bash
# web-server's end-to-end check on real TCP and real files (a CTest test):
#   check_web_server.sh WEB_SERVER WEB_CLIENT WORK_DIR
#
# Starts web-server on port 0 in a fresh data directory and reads the port
# from its "listening on 127.0.0.1:PORT" line (no sleeps: every wait is for
# a line, an answer or an exit). Then: every route and error case with curl
# and with web-client (one kept-alive connection), the size limits, the idle
# timeout; a SIGKILL right after an acknowledged write, a restart on the
# same directory and the data read back; a clean SIGTERM stop (exit 0),
# restart, and the data read back again; usage errors (exit 2, one line).
set -euo pipefail

server_binary=$1
client_binary=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
data=$work/data

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok   $*"; }

server_pid=
port=
# Starts the server (extra flags in "$@") and waits for its listening line.
start_server() {
  coproc server { exec "$server_binary" --port 0 --data "$data" "$@" 2>>"$work/server.err"; }
  server_pid=$server_PID
  local line
  IFS= read -r -t 60 line <&"${server[0]}" || fail "no listening line from web-server (stderr: $(cat "$work/server.err"))"
  [[ $line =~ ^listening\ on\ 127\.0\.0\.1:([0-9]+)$ ]] || fail "unexpected first line: $line"
  port=${BASH_REMATCH[1]}
  ok "web-server $server_pid listening on port $port"
}
stop_server() {  # signal, expected exit status
  kill "-$1" "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  [[ $status == "$2" ]] || fail "web-server exited $status after SIG$1, expected $2"
  ok "web-server stopped by SIG$1 (exit $status)"
}
trap '[[ -n $server_pid ]] && kill -9 $server_pid 2>/dev/null || true' EXIT

# curl REQUEST-ARGS...: prints "STATUS BODY"
call() {
  curl -sS -o "$work/body" -w '%{http_code}' "$@" >"$work/status" || fail "curl $* failed"
  echo "$(cat "$work/status") $(cat "$work/body")"
}
expect() {  # expect "STATUS" "BODY-REGEX" curl-args...
  local status=$1 pattern=$2
  shift 2
  local got
  got=$(call "$@")
  [[ $got =~ ^$status\ $pattern$ ]] || fail "curl $*: got '$got', expected '$status $pattern'"
  ok "curl $* -> $got"
}

url() { echo "http://127.0.0.1:$port$1"; }

start_server

# --- every route with curl ------------------------------------------------------
expect 200 '\{"status":"ok","items":0\}' "$(url /health)"
got=$(curl -sS -i -X POST -H 'Content-Type: application/json' -d '{"name":"bolts","quantity":12}' "$(url /items)")
[[ $got == *"HTTP/1.1 201 Created"* && $got == *"Location: /items/1"* &&
   $got == *'{"name":"bolts","quantity":12,"id":1}'* ]] || fail "POST /items answered: $got"
ok "curl POST /items -> 201, Location: /items/1, the item with its id"
expect 200 '\{"name":"bolts","quantity":12,"id":1\}' "$(url /items/1)"
expect 200 '\{"name":"bolts","quantity":13,"id":1\}' -X PUT -d '{"name":"bolts","quantity":13}' "$(url /items/1)"
expect 404 '\{"error":"no such item"\}' -X PUT -d '{"name":"x","quantity":1}' "$(url /items/99)"
expect 404 '\{"error":"no such item"\}' "$(url /items/99)"
expect 201 '\{"name":"nuts","quantity":5,"id":2\}' -X POST -d '{"name":"nuts","quantity":5}' "$(url /items)"
expect 204 '' -X DELETE "$(url /items/2)"
expect 404 '\{"error":"no such item"\}' -X DELETE "$(url /items/2)"
expect 404 '\{"error":"no such item"\}' "$(url /items/2)"
expect 400 '\{"error":"the body is not valid JSON"\}' -X POST -d '{"name":' "$(url /items)"
expect 400 '\{"error":"'"'"'name'"'"' must be a string"\}' -X POST -d '{"name":1,"quantity":1}' "$(url /items)"
expect 400 '\{"error":"'"'"'quantity'"'"' must be an integer"\}' -X POST -d '{"name":"a","quantity":"1"}' "$(url /items)"
expect 404 '\{"error":"no such path"\}' "$(url /nothing)"
expect 405 '\{"error":"method not allowed"\}' -X DELETE "$(url /items)"
expect 405 '\{"error":"method not allowed"\}' -X POST "$(url /health)"

# --- the same and more over one kept-alive Beast connection ----------------------------
"$client_binary" "$port" routes || fail "web-client routes"
"$client_binary" "$port" limits || fail "web-client limits"

# --- SIGKILL right after an acknowledged write ---------------------------------------------
expect 201 '\{"name":"acknowledged","quantity":77,"id":[0-9]+\}' -X POST -d '{"name":"acknowledged","quantity":77}' "$(url /items)"
killed_id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$work/body")
expect 200 '\{"name":"bolts","quantity":99,"id":1\}' -X PUT -d '{"name":"bolts","quantity":99}' "$(url /items/1)"
stop_server KILL 137
start_server
expect 200 '\{"name":"acknowledged","quantity":77,"id":'"$killed_id"'\}' "$(url "/items/$killed_id")"
expect 200 '\{"name":"bolts","quantity":99,"id":1\}' "$(url /items/1)"
expect 404 '\{"error":"no such item"\}' "$(url /items/2)"
# Ids are never reused: the next one is past every id the log names.
expect 201 '\{"name":"after","quantity":1,"id":'"$((killed_id + 1))"'\}' -X POST -d '{"name":"after","quantity":1}' "$(url /items)"

# --- a clean stop ---------------------------------------------------------------------
stop_server TERM 0
start_server --idle-timeout 0.5
expect 200 '\{"name":"acknowledged","quantity":77,"id":'"$killed_id"'\}' "$(url "/items/$killed_id")"
expect 200 '\{"name":"after","quantity":1,"id":'"$((killed_id + 1))"'\}' "$(url "/items/$((killed_id + 1))")"
"$client_binary" "$port" idle || fail "web-client idle"
stop_server INT 0

# --- usage errors: exit 2, one line naming the problem -------------------------------------
usage_error() {  # expected-text flags...
  local expected=$1
  shift
  local status=0
  "$server_binary" "$@" 2>"$work/usage.err" >/dev/null || status=$?
  [[ $status == 2 ]] || fail "web-server $*: exit $status, expected 2"
  [[ $(wc -l <"$work/usage.err") == 1 ]] || fail "web-server $*: not one line: $(cat "$work/usage.err")"
  grep -q -- "$expected" "$work/usage.err" || fail "web-server $*: '$(cat "$work/usage.err")' does not name $expected"
  ok "web-server $* -> exit 2: $(cat "$work/usage.err")"
}
usage_error --port --port 70000 --data "$data"
usage_error --port --port many --data "$data"
usage_error --data --port 0
usage_error --bogus --port 0 --data "$data" --bogus
usage_error --idle-timeout --port 0 --data "$data" --idle-timeout 0
echo "web-server: all checks passed"
