#!/usr/bin/env bash
# A Spark standalone cluster on this machine, for tests and for trying the job without a cluster:
# a Master and N Workers as separate JVMs on 127.0.0.1; the Workers launch executors as JVMs of
# their own. Run through ./submit.sh cluster ... or directly:
#   src/main/sh/cluster.sh start [--workers N] [--worker-cores C] [--worker-memory M] [--dir DIR] [--insecure]
#   src/main/sh/cluster.sh status [--dir DIR]
#   src/main/sh/cluster.sh stop [--dir DIR]
# start waits until the Master is ALIVE and every Worker has registered, then prints the master
# URL. Ports are chosen by the operating system (port 0) and read back from the logs, so two
# clusters never collide. DIR (default target/cluster) holds master-url, pids (name and PID of
# each daemon), the daemons' logs and the Workers' work directories (executor logs).
# The cluster is secured unless --insecure: a new secret each start (DIR/secret, mode 600) and
# DIR/spark-security.conf (mode 600: spark.authenticate, the secret, network and I/O encryption),
# the daemons' --properties-file; submit.sh adds it for this cluster's master URL.
# stop ends the daemons and their executors by PID (TERM, then KILL after 10 s).
# Spark's jars come from $SPARK_HOME/jars, else target/spark-home/jars (mvn -DskipTests package
# puts them there). Environment: SPARK_HOME, JAVA_HOME.
set -euo pipefail

PROG=cluster
# shellcheck source=src/main/sh/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }

action="${1:-}"; [[ $# -gt 0 ]] && shift
dir="$ROOT/target/cluster"; workers=2; worker_cores=1; worker_memory=1g; secured=1
while [[ $# -gt 0 ]]; do
  opt="${1%%=*}"
  case "$opt" in
    --dir) option_value "$@"; dir="$OPT_VALUE" ;;
    --workers) option_value "$@"; check_count "$opt" "$OPT_VALUE"; workers="$OPT_VALUE" ;;
    --worker-cores) option_value "$@"; check_count "$opt" "$OPT_VALUE"; worker_cores="$OPT_VALUE" ;;
    --worker-memory) option_value "$@"; check_size "$opt" "$OPT_VALUE"; worker_memory="$OPT_VALUE" ;;
    --insecure) [[ "$1" == --insecure ]] || die "--insecure takes no value"; secured=0; OPT_WORDS=1 ;;
    *) echo "cluster: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift "$OPT_WORDS"
done
# Absolute, as the link of register() records it.
[[ "$dir" == /* ]] || dir="$PWD/$dir"

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
  unregister
  rm -f "$dir/pids" "$dir/master-url" "$dir/secret" "$dir/spark-security.conf"
}

# The master URL's port -> this cluster's DIR, for submit.sh to find its spark-security.conf:
# $ROOT/target/clusters/PORT, a link to DIR (cluster_dir_for in common.sh reads it).
register() { mkdir -p "$CLUSTERS"; ln -sfn "$dir" "$CLUSTERS/${1##*:}"; }
unregister() {
  local link
  for link in "$CLUSTERS"/*; do
    [[ -L "$link" && "$(readlink "$link")" == "$dir" ]] && rm -f "$link"
  done
  return 0
}

# A new secret and the settings that secure the cluster, readable by this user only. The secret:
# 32 random bytes as hex, which Spark's properties reader takes as it is. spark-security.conf is
# the daemons' --properties-file and the driver's --extra-properties-file (submit.sh): the secret
# is on no command line (a Worker hands it to its executors in their environment, which only
# their user can read).
write_security() {
  (
    umask 077
    local secret
    secret="$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')"
    [[ ${#secret} -eq 64 ]] || { echo "cluster: could not read 32 bytes from /dev/urandom" >&2; exit 1; }
    printf '%s\n' "$secret" >"$dir/secret"
    {
      echo "# Written by cluster.sh start for the cluster of this directory; read by its Master and"
      echo "# Workers (--properties-file) and by submit.sh's drivers (--extra-properties-file)."
      echo "spark.authenticate                true"
      echo "spark.authenticate.secret         $secret"
      echo "spark.network.crypto.enabled      true"
      echo "spark.io.encryption.enabled       true"
    } >"$dir/spark-security.conf"
    chmod 600 "$dir/secret" "$dir/spark-security.conf"
  )
}

status() {
  local running=0 name p c
  [[ -f "$dir/master-url" ]] && echo "master $(cat "$dir/master-url")"
  if [[ -f "$dir/spark-security.conf" ]]; then
    echo "secured: spark.authenticate (secret in $dir/secret), network and I/O encryption"
  elif [[ -f "$dir/master-url" ]]; then
    echo "insecure: no authentication, no encryption (started with --insecure)"
  fi
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
  rm -f "$dir/pids" "$dir/master-url" "$dir/secret" "$dir/spark-security.conf"
  unregister
  local opts=("${MODULE_OPTS[@]}" -Xmx512m -Dspark.master.rest.enabled=false) props=()
  if [[ $secured -eq 1 ]]; then
    write_security
    props=(--properties-file "$dir/spark-security.conf")
  fi
  local cp; cp="$(spark_classpath)"
  # If start fails half-way, what did start is stopped again.
  trap 'stop >/dev/null' ERR

  "$JAVA" "${opts[@]}" -cp "$cp" org.apache.spark.deploy.master.Master \
    --host "$LOOPBACK" --port 0 --webui-port 0 "${props[@]}" </dev/null >"$dir/master.log" 2>&1 &
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
      --work-dir "$dir/work-$w" "${props[@]}" "$url" </dev/null >"$dir/worker-$w.log" 2>&1 &
    pid=$!
    echo "worker-$w $pid" >>"$dir/pids"
  done
  while read -r name pid; do
    [[ "$name" == worker-* ]] || continue
    wait_for_log "$dir/$name.log" 'Successfully registered with master' 120 "$pid" >/dev/null
  done <"$dir/pids"
  trap - ERR
  register "$url"
  echo "$url" >"$dir/master-url"
  echo "$url"
}

case "$action" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage; [[ -z "$action" || "$action" == "-h" || "$action" == "--help" ]] && exit 0; exit 2 ;;
esac
