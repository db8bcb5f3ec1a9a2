#!/usr/bin/env bash
# Runs a shallownet command as a Spark application:
#   ./submit.sh COMMAND [OPTIONS]          e.g. ./submit.sh train --data ../shared/mnist
# Builds the application jar when it is missing or older than the sources. With SPARK_HOME set,
# runs $SPARK_HOME/bin/spark-submit (or, for a SPARK_HOME that holds only jars/, Spark's
# SparkSubmit on those jars); otherwise runs SparkSubmit on the Maven dependency classpath, so no
# Spark installation is needed. Default master: local[*].
# Spark options are taken out of the command line and given to spark-submit:
#   --master URL, --deploy-mode MODE, --conf KEY=VALUE, --driver-memory, --executor-memory,
#   --executor-cores, --num-executors, --total-executor-cores, --name, --queue, --jars, --files,
#   --extra-properties-file FILE (more Spark settings, e.g. a secured cluster's secret, from a file)
# In local mode, train and retrain size the driver for --data unless the driver memory is set
#   explicitly (--driver-memory, --conf spark.driver.memory=..., or a SHALLOWNET_CONF of your own):
#   at least conf/spark-defaults.conf's value, more when the data needs it, at most 3/4 of physical
#   memory; data that would not fit even then is refused (exit 2) unless --allow-spill is given.
# Environment: SPARK_HOME, JAVA_HOME, SHALLOWNET_CONF (default: conf/ beside this script),
#   SHALLOWNET_JAVA_OPTS (extra JVM options of the driver), SHALLOWNET_JAR (an application jar
#   to submit instead of building target/shallownet-*.jar).
#
# A Spark standalone cluster on this machine (a Master and Workers as separate JVMs on 127.0.0.1):
#   ./submit.sh cluster start [--workers N] [--worker-cores C] [--worker-memory M] [--dir DIR] [--insecure]
#   ./submit.sh cluster status|stop [--dir DIR]
# start prints the master URL (spark://127.0.0.1:PORT); DIR (default target/cluster) holds the
# logs, master-url and pids. Spark's jars: $SPARK_HOME/jars, else target/spark-home/jars.
# The cluster is secured (authentication with a secret of its own, encrypted RPC and I/O) unless
# --insecure; a job given its master URL gets the secret from DIR/spark-security.conf (mode 600).
set -euo pipefail

PROG=submit.sh
# shellcheck source=src/main/sh/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/src/main/sh/common.sh"

jar_path() {
  if [[ -n "${SHALLOWNET_JAR:-}" ]]; then echo "$SHALLOWNET_JAR"; return; fi
  ls "$ROOT"/target/shallownet-*.jar 2>/dev/null | grep -v -e '-original' -e 'sources' | head -n 1 || true
}

build_if_needed() {
  [[ -n "${SHALLOWNET_JAR:-}" ]] && return 0
  local jar; jar="$(jar_path)"
  if [[ -z "$jar" || ! -f "$ROOT/target/spark-classpath.txt" ]] \
     || [[ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -path "$ROOT/src/main/sh" -prune -o -newer "$jar" -print -quit)" ]]; then
    command -v mvn >/dev/null 2>&1 \
      || die "the application jar needs building and mvn is not on PATH; install Maven, or set SHALLOWNET_JAR to a built jar"
    echo "submit.sh: building the application jar (mvn package); a first build downloads Spark and its" \
      "dependencies into ~/.m2 (about 800 MB, once, unless there already) and target/ takes about 330 MB" \
      "(target/spark-home 320 MB: Spark's jars as links for cluster.sh)" >&2
    local log; log="$(mktemp)"
    # Maven in the background and a line every 5 s with its step and downloads, so that a build of
    # half a minute (minutes on a new machine) is not silent; Ctrl-C or SIGTERM stop Maven too.
    (cd "$ROOT" && exec mvn -B -Dstyle.color=never -DskipTests package) >"$log" 2>&1 &
    local mvn_pid=$! started=$SECONDS rc=0
    trap 'kill "$mvn_pid" 2>/dev/null; rm -f "$log"; exit 130' INT
    trap 'kill "$mvn_pid" 2>/dev/null; rm -f "$log"; exit 143' TERM
    while kill -0 "$mvn_pid" 2>/dev/null; do
      local waited=0
      while (( waited < 5 )) && kill -0 "$mvn_pid" 2>/dev/null; do sleep 1; waited=$((waited + 1)); done
      kill -0 "$mvn_pid" 2>/dev/null || break
      local step downloads
      step="$(grep -E '^\[INFO\] --- ' "$log" | tail -n 1 | sed -E 's/^\[INFO\] --- ([^ ]+).*/\1/' || true)"
      downloads="$(grep -c '^\[INFO\] Downloaded from' "$log" || true)"
      [[ "$downloads" == 0 ]] && downloads=""
      echo "submit.sh: building ($((SECONDS - started)) s): ${step:-resolving the plugins}${downloads:+, $downloads files downloaded}" >&2
    done
    wait "$mvn_pid" || rc=$?
    trap - INT TERM
    if (( rc != 0 )); then
      cat "$log" >&2; rm -f "$log"
      echo "submit.sh: the build failed (output above)" >&2; exit 1
    fi
    echo "submit.sh: built $(jar_path) in $((SECONDS - started)) s" >&2
    rm -f "$log"
  fi
}

if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'
  echo
  [[ $# -eq 0 ]] && set -- --help
fi

if [[ "${1:-}" == "cluster" ]]; then
  shift; exec "$ROOT/src/main/sh/cluster.sh" "$@"
fi

spark_args=()
app_args=()
master=""
driver_memory=""
data_dir=""
allow_spill=""
deploy_mode=""
while [[ $# -gt 0 ]]; do
  opt="${1%%=*}"
  case "$opt" in
    --master) option_value "$@"; master="$OPT_VALUE" ;;
    --driver-memory) option_value "$@"; check_size "$opt" "$OPT_VALUE"; driver_memory="$OPT_VALUE" ;;
    --allow-spill) allow_spill="--allow-spill"; OPT_WORDS=1 ;;
    --conf)
      option_value "$@"
      [[ "$OPT_VALUE" =~ ^[^=]+=. ]] || die "--conf needs KEY=VALUE, not '$OPT_VALUE'"
      # An explicit driver memory, also the JVM heap below when this JVM is the driver.
      if [[ "$OPT_VALUE" == spark.driver.memory=* ]]; then
        driver_memory="${OPT_VALUE#*=}"; check_size spark.driver.memory "$driver_memory"
      fi
      spark_args+=(--conf "$OPT_VALUE") ;;
    --data) option_value "$@"; data_dir="$OPT_VALUE"; app_args+=(--data "$OPT_VALUE") ;;
    --deploy-mode)
      option_value "$@"
      [[ "$OPT_VALUE" == client || "$OPT_VALUE" == cluster ]] \
        || die "--deploy-mode needs client or cluster, not '$OPT_VALUE'"
      deploy_mode="$OPT_VALUE"; spark_args+=("$opt" "$OPT_VALUE") ;;
    --executor-memory) option_value "$@"; check_size "$opt" "$OPT_VALUE"; spark_args+=("$opt" "$OPT_VALUE") ;;
    --executor-cores|--num-executors|--total-executor-cores)
      option_value "$@"; check_count "$opt" "$OPT_VALUE"; spark_args+=("$opt" "$OPT_VALUE") ;;
    --name|--queue|--jars|--files) option_value "$@"; spark_args+=("$opt" "$OPT_VALUE") ;;
    --extra-properties-file)
      option_value "$@"
      [[ -f "$OPT_VALUE" && -r "$OPT_VALUE" ]] || die "--extra-properties-file: '$OPT_VALUE' is not a readable file"
      spark_args+=("$opt" "$OPT_VALUE") ;;
    *) app_args+=("$1"); OPT_WORDS=1 ;;
  esac
  shift "$OPT_WORDS"
done
master="${master:-${SHALLOWNET_MASTER:-local[*]}}"
# The master URLs Spark accepts, checked here: SparkSubmit's own refusal is a 13-line stack trace.
master_forms='local, local[N], local[*], local[N,F], local-cluster[N,C,M], spark://HOST:PORT[,HOST:PORT...], yarn or k8s://URL'
[[ "$master" =~ ^local(\[([1-9][0-9]*|\*)(,[0-9]+)?\])?$ \
   || "$master" =~ ^local-cluster\[[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]*\]$ \
   || "$master" =~ ^spark://[A-Za-z0-9._-]+:[0-9]+(,[A-Za-z0-9._-]+:[0-9]+)*$ \
   || "$master" == yarn \
   || "$master" =~ ^k8s://[^[:space:]\;\'\"\`\$]+$ ]] \
  || die "--master needs $master_forms; not '$master'"
check_java
if [[ -n "${SHALLOWNET_JAVA_OPTS:-}" || -n "$driver_memory" ]]; then
  read -r -a probe_opts <<<"${SHALLOWNET_JAVA_OPTS:-}"
  check_jvm_options "SHALLOWNET_JAVA_OPTS='${SHALLOWNET_JAVA_OPTS:-}'${driver_memory:+ and driver memory $driver_memory}" \
    ${driver_memory:+"-Xmx$driver_memory"} "${probe_opts[@]}"
fi
# Built after the options are checked, so that a mistyped option is refused at once.
build_if_needed
JAR="$(jar_path)"
# A local master needs no network address; binding to loopback also silences Spark's warning
# about the host name resolving to one.
# The same for a master on this machine (./submit.sh cluster start): the driver must be reachable
# on the address the executors use.
case "$master" in
  local*|spark://127.0.0.1:*|spark://localhost:*) export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-$LOOPBACK}" ;;
esac
# One OpenBLAS thread per task where -Dshallownet.blas=native is chosen (local mode runs the tasks in
# this JVM): Spark already runs a task per core, and OpenBLAS's own threads on top made the seed
# recipe 41.5 s against 21.6 s (local[2]); executors get the same from the job (SparkOptions).
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
spark_classpath="$(spark_classpath)"   # also the jars of a SPARK_HOME without bin/
# A secured cluster of cluster.sh: its secret and encryption settings come from its owner-only
# spark-security.conf, read by SparkSubmit (so the secret is on no command line). The driver's
# settings (--conf) still win over the file's.
security_conf="$(cluster_security_conf "$master")"
if [[ -n "$security_conf" ]]; then
  # Spark 4.2's standalone Worker starts such a driver without the secret (it passes it on to
  # executors only), and the driver stops at once: "A secret key must be specified via the
  # spark.authenticate.secret config" (SPARK-25078), while spark-submit itself exits 0.
  [[ "$deploy_mode" != cluster ]] || die "--deploy-mode cluster does not work on a secured standalone" \
    "cluster with Spark 4.2 (the Worker starts the driver without the secret, SPARK-25078): use client" \
    "mode, or a cluster started with --insecure"
  spark_args=(--extra-properties-file "$security_conf" "${spark_args[@]}")
fi

# Local mode: the driver holds the cached data, so size it for --data (shallownet.cli.DriverSizingMain
# reads the IDX headers and prints the setting) unless the user set it. The shipped
# conf/spark-defaults.conf value is a default that sizing may raise, never lower.
if [[ "$master" == local* && -z "$driver_memory" && -n "$data_dir" && -z "${SHALLOWNET_CONF:-}" \
      && ( "${app_args[0]:-}" == train || "${app_args[0]:-}" == retrain ) ]]; then
  shipped="$(sed -n 's/^spark\.driver\.memory[[:space:]]\{1,\}//p' "$CONF/spark-defaults.conf" | tail -n 1)"
  rc=0
  sized="$("$JAVA" -Dlog4j2.configurationFile="file:$CONF/log4j2.properties" -cp "$JAR:$spark_classpath" \
    shallownet.cli.DriverSizingMain "$data_dir" "${shipped:-2g}" ${allow_spill:+"$allow_spill"})" || rc=$?
  case "$rc" in
    0) driver_memory="$sized" ;;
    2) exit 2 ;;   # DriverSizingMain said why
    *) ;;          # data not readable here: the command reports it
  esac
fi
log_opt="-Dlog4j2.configurationFile=file:$CONF/log4j2.properties"
# shallownet.home: the default data directory is data/mnist of this checkout, from any working directory.
driver_opts=("$log_opt" "-Dshallownet.defaults=$CONF/shallownet-defaults.properties" "-Dshallownet.home=$ROOT")
# SHALLOWNET_JAVA_OPTS is a list of JVM options separated by spaces.
read -r -a user_opts <<<"${SHALLOWNET_JAVA_OPTS:-}"
driver_opts+=("${user_opts[@]}")

# The JVM prints "WARNING: Using incubator modules: jdk.incubator.vector" as its first stderr line
# whenever the Vector API module is added (conf/java-module-options), which the kernel's VectorBLAS
# needs: 5.1 x faster than without it (JMH, see shallownet.net.NetworkKernel), so it stays.
# The driver's stderr passes through this filter, which drops that one line and then copies the
# rest byte for byte as it comes (cat, no line buffering: the progress line's \r redraws pass as
# they are). The JVM is still exec'd, so its exit code and the signals sent to this PID are its
# own; the filter ignores Ctrl-C and SIGTERM, so that it outlives the JVM and passes its last line
# ("interrupted: ...") on, and ends when the JVM's stderr closes. A caller that reads stderr to its
# end sees every line; one that only waits for this PID and then reads a file may, in principle,
# find the filter's last line a moment later.
drop_jvm_notice() {
  trap '' INT TERM
  local line
  if IFS= read -r line; then
    [[ "$line" == "WARNING: Using incubator modules: jdk.incubator.vector" ]] || printf '%s\n' "$line"
  else
    printf '%s' "$line"   # the end came before a newline
  fi
  exec cat
}

# Spark splits its Java options strings at spaces outside quotes: each option goes in double quotes
# so that a path with spaces stays one option.
spark_options_string() { local o s=""; for o in "$@"; do s+="${s:+ }\"$o\""; done; echo "$s"; }

if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  # spark-submit adds Spark's module options to the driver and executors itself.
  exec "$SPARK_HOME/bin/spark-submit" --properties-file "$CONF/spark-defaults.conf" \
    --master "$master" ${driver_memory:+--driver-memory "$driver_memory"} \
    --driver-java-options "$(spark_options_string "${driver_opts[@]}")" \
    --conf "spark.executor.extraJavaOptions=$(spark_options_string "$log_opt")" \
    "${spark_args[@]}" --class shallownet.cli.Main "$JAR" "${app_args[@]}" 2> >(drop_jvm_notice >&2)
fi

# No spark-submit script: this JVM is the driver, so its heap is the driver memory.
if [[ -z "$driver_memory" ]]; then
  driver_memory="$(sed -n 's/^spark\.driver\.memory[[:space:]]\{1,\}//p' "$CONF/spark-defaults.conf" | tail -n 1)"
fi
if [[ "$master" == yarn* ]]; then
  # Spark's YARN client finds the cluster in HADOOP_CONF_DIR / YARN_CONF_DIR on its classpath (as
  # bin/spark-class puts them there), and ships these files to the containers too.
  for d in "${YARN_CONF_DIR:-}" "${HADOOP_CONF_DIR:-}"; do
    [[ -n "$d" ]] && spark_classpath="$d:$spark_classpath"
  done
  # The containers need Spark's jars. Without a Spark installation there is no $SPARK_HOME/jars for
  # Spark to upload, so name them: spark.yarn.jars uploads them with every application. Set
  # spark.yarn.archive (one zip of them, put on HDFS once: README) to skip that upload.
  if [[ -n "${SPARK_HOME:-}" ]]; then
    yarn_jars="$SPARK_HOME/jars/*.jar"
  else
    yarn_jars="$(tr ':' ',' < "$ROOT/target/spark-classpath.txt")"
  fi
  if ! printf '%s\n' "${spark_args[@]}" | grep -q -e '^spark\.yarn\.jars=' -e '^spark\.yarn\.archive=' \
     && ! grep -q -E '^[[:space:]]*spark\.yarn\.(jars|archive)[[:space:]=]' "$CONF/spark-defaults.conf"; then
    spark_args+=(--conf "spark.yarn.jars=$yarn_jars")
  fi
fi
# --driver-memory and the module options also go to SparkSubmit: with --deploy-mode cluster the
# driver is a JVM the cluster starts (a standalone Worker does not add the module options to it).
exec "$JAVA" "${MODULE_OPTS[@]}" ${driver_memory:+"-Xmx$driver_memory"} "${driver_opts[@]}" \
  -cp "$spark_classpath" org.apache.spark.deploy.SparkSubmit \
  --properties-file "$CONF/spark-defaults.conf" --master "$master" \
  ${driver_memory:+--driver-memory "$driver_memory"} --conf "spark.driver.extraJavaOptions=${MODULE_OPTS[*]}" \
  "${spark_args[@]}" --class shallownet.cli.Main "$JAR" "${app_args[@]}" 2> >(drop_jvm_notice >&2)
