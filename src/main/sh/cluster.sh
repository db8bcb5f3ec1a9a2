#!/usr/bin/env bash
# A Spark standalone cluster on this machine, for tests and for trying the job without a cluster:
# a Master and N Workers as separate JVMs on 127.0.0.1; the Workers launch executors as JVMs of
# their own. Run through ./submit.sh cluster ... or directly:
#   src/main/sh/cluster.sh start [--workers N] [--worker-cores C] [--worker-memory M] [--dir DIR]
#   src/main/sh/cluster.sh status [--dir DIR]
#   src/main/sh/cluster.sh stop [--dir DIR]
# start waits until the Master is ALIVE and every Worker has registered, then prints the master
# URL. Ports are chosen by the operating system (port 0) and read back from the logs, so two
# clusters never collide. DIR (default target/cluster) holds master-url, pids (name and PID of
# each daemon), the daemons' logs and the Workers' work directories (executor logs).
# stop ends the daemons and their executors by PID (TERM, then KILL after 10 s).
# Spark's jars come from $SPARK_HOME/jars, else target/spark-home/jars (mvn -DskipTests package
# puts them there). Environment: SPARK_HOME, JAVA_HOME.
set -euo pipefail

PROG=cluster
# shellcheck source=src/main/sh/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }

action="${1:-}"; [[ $# -gt 0 ]] && shift
dir="$ROOT/target/cluster"; workers=2; worker_cores=1; worker_memory=1g
while [[ $# -gt 0 ]]; do
  opt="${1%%=*}"
  case "$opt" in
    --dir) option_value "$@"; dir="$OPT_VALUE" ;;
    --workers) option_value "$@"; check_count "$opt" "$OPT_VALUE"; workers="$OPT_VALUE" ;;
    --worker-cores) option_value "$@"; check_count "$opt" "$OPT_VALUE"; worker_cores="$OPT_VALUE" ;;
    --worker-memory) option_value "$@"; check_size "$opt" "$OPT_VALUE"; worker_memory="$OPT_VALUE" ;;
    *) echo "cluster: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift "$OPT_WORDS"
done

# A PID of ours is alive only if it still runs a Spark class (a reused PID is someone else's).
is_spark() { [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'org\.apache\.spark\.'; }

# Children of a Worker: its executor JVMs.
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }

daemon_pids() { [[ -f "$dir/pids" ]] && awk '{print $2}' "$dir/pids" || true; }

# Waits up to $3 seconds for regex $2 in log $1 while PID $4 lives; prints the first match.
wait_for_log() {
  local log="$1" re="$2" secs="$3" pid="$4" i
  for ((i = 0; i < secs * 5; i++)); do
    if grep -Eo "$re" "$log" 2>/dev/null | head -n 1 | grep .; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "cluster: $(basename "$log" .log) (PID $pid) exited; the end of $log:" >&2
      tail -n 30 "$log" >&2; return 1
    fi
    sleep 0.2
  done
  echo "cluster: no '$re' in $log after $secs s; its end:" >&2; tail -n 30 "$log" >&2; return 1
}

stop() {
  local pids=() p c
  for p in $(daemon_pids); do
    if is_spark "$p"; then
      for c in $(children "$p"); do is_spark "$c" && pids+=("$c"); done
      pids+=("$p")
    fi
  done
  if [[ ${#pids[@]} -gt 0 ]]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do
      local alive=0
      for p in "${pids[@]}"; do is_spark "$p" && alive=1; done
      [[ $alive -eq 0 ]] && break
      sleep 0.2
    done
    for p in "${pids[@]}"; do is_spark "$p" && kill -KILL "$p" 2>/dev/null || true; done
    echo "cluster: stopped PIDs ${pids[*]}"
  else
    echo "cluster: not running (no live PID in $dir/pids)"
  fi
  rm -f "$dir/pids" "$dir/master-url"
}

status() {
  local running=0 name p c
  [[ -f "$dir/master-url" ]] && echo "master $(cat "$dir/master-url")"
  while read -r name p; do
    if is_spark "$p"; then
      running=1
      echo "$name PID $p running"
      for c in $(children "$p"); do is_spark "$c" && echo "  executor PID $c"; done
    else
      echo "$name PID $p not running"
    fi
  done < <([[ -f "$dir/pids" ]] && cat "$dir/pids" || true)
  [[ $running -eq 1 ]] || { echo "cluster: not running ($dir)"; return 1; }
}

start() {
  for p in $(daemon_pids); do
    if is_spark "$p"; then echo "cluster: already running (PID $p, $dir/pids); stop it first" >&2; exit 1; fi
  done
  export SPARK_HOME="${SPARK_HOME:-$ROOT/target/spark-home}"
  if ! ls "$SPARK_HOME"/jars/spark-core_*.jar >/dev/null 2>&1; then
    echo "cluster: no Spark jars in $SPARK_HOME/jars; run 'mvn -DskipTests package' or set SPARK_HOME" >&2
    exit 1
  fi
  # The Worker builds executor command lines with Spark's launcher, which needs these.
  export SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP="$LOOPBACK"
  # Executors' scratch space and the Workers' work directories stay inside $dir.
  export SPARK_LOCAL_DIRS="$dir/local"
  mkdir -p "$dir" "$SPARK_LOCAL_DIRS"
  rm -f "$dir/pids" "$dir/master-url"
  local opts=("${MODULE_OPTS[@]}" -Xmx512m -Dspark.master.rest.enabled=false)
  local cp; cp="$(spark_classpath)"
  # If start fails half-way, what did start is stopped again.
  trap 'stop >/dev/null' ERR

  "$JAVA" "${opts[@]}" -cp "$cp" org.apache.spark.deploy.master.Master \
    --host "$LOOPBACK" --port 0 --webui-port 0 </dev/null >"$dir/master.log" 2>&1 &
  local master_pid=$!
  echo "master $master_pid" >>"$dir/pids"
  local url
  url="$(wait_for_log "$dir/master.log" 'Starting Spark master at spark://[0-9.]+:[0-9]+' 120 "$master_pid")"
  url="${url#Starting Spark master at }"
  wait_for_log "$dir/master.log" 'New state: ALIVE' 120 "$master_pid" >/dev/null

  local w pid
  for ((w = 1; w <= workers; w++)); do
    "$JAVA" "${opts[@]}" -cp "$cp" org.apache.spark.deploy.worker.Worker \
      --host "$LOOPBACK" --port 0 --webui-port 0 --cores "$worker_cores" --memory "$worker_memory" \
      --work-dir "$dir/work-$w" "$url" </dev/null >"$dir/worker-$w.log" 2>&1 &
    pid=$!
    echo "worker-$w $pid" >>"$dir/pids"
  done
  while read -r name pid; do
    [[ "$name" == worker-* ]] || continue
    wait_for_log "$dir/$name.log" 'Successfully registered with master' 120 "$pid" >/dev/null
  done <"$dir/pids"
  trap - ERR
  echo "$url" >"$dir/master-url"
  echo "$url"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage; [[ -z "$action" || "$action" == "-h" || "$action" == "--help" ]] && exit 0; exit 2 ;;
esac
