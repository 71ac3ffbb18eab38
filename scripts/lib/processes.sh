# Process helpers for Rollcall's scripts (sourced, not run): start long-running children each in its own
# process group, remember them, and stop them all (newest first) on exit, Ctrl-C or an error.
#
#   source scripts/lib/processes.sh
#   rc_start NAME LOGFILE command args…      # starts in the background, in a new session (pgid = pid)
#   rc_pid NAME                              # its pid
#   rc_alive NAME                            # true while it runs
#   rc_stop NAME [GRACE_SECONDS]             # SIGTERM to its group, SIGKILL after the grace period
#   rc_stop_all                              # every started child, newest first (installed as the EXIT trap)
#   rc_wait_port PORT SECONDS NAME           # waits until 127.0.0.1:PORT accepts, or NAME dies, or time is up
#   rc_port_free PORT                        # true when nothing listens on 127.0.0.1:PORT

RC_NAMES=()
declare -A RC_PIDS=()
declare -A RC_LOGS=()

rc_start() {
  local name="$1" log="$2"
  shift 2
  mkdir -p "$(dirname "$log")"
  # setsid: the child leads its own process group, so Ctrl-C in the terminal reaches only this script, which
  # then stops the children in order; `kill -- -PID` reaches the child and anything it started.
  setsid "$@" >>"$log" 2>&1 </dev/null &
  RC_PIDS[$name]=$!
  RC_LOGS[$name]="$log"
  RC_NAMES+=("$name")
}

rc_pid() { echo "${RC_PIDS[$1]:-}"; }

rc_alive() {
  local pid="${RC_PIDS[$1]:-}"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

rc_stop() {
  local name="$1" grace="${2:-10}" pid="${RC_PIDS[$1]:-}"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((grace * 10)) ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "  $name did not stop within ${grace}s; killing it" >&2
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  # Anything left in its group (a grandchild that ignored SIGTERM).
  kill -KILL -- "-$pid" 2>/dev/null || true
  unset "RC_PIDS[$name]"
}

rc_stop_all() {
  local i
  for ((i = ${#RC_NAMES[@]} - 1; i >= 0; i--)); do
    local name="${RC_NAMES[$i]}"
    if [ -n "${RC_PIDS[$name]:-}" ]; then
      echo "stopping $name" >&2
      rc_stop "$name"
    fi
  done
  RC_NAMES=()
}

rc_accepts() {
  # bash's /dev/tcp: a connect that succeeds means someone listens.
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

rc_port_free() { ! rc_accepts "$1"; }

rc_wait_port() {
  local port="$1" seconds="$2" name="$3" waited=0
  while [ "$waited" -lt $((seconds * 10)) ]; do
    rc_accepts "$port" && return 0
    if ! rc_alive "$name"; then
      echo "$name exited before listening on 127.0.0.1:$port; last lines of ${RC_LOGS[$name]}:" >&2
      tail -n 20 "${RC_LOGS[$name]}" >&2 || true
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "$name did not listen on 127.0.0.1:$port within ${seconds}s; last lines of ${RC_LOGS[$name]}:" >&2
  tail -n 20 "${RC_LOGS[$name]}" >&2 || true
  return 1
}
