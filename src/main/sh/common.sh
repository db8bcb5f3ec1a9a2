# Sourced by submit.sh and src/main/sh/cluster.sh: what both need to start Spark's JVMs, and the
# checks of their option values. The caller sets PROG, the name its messages start with.
# Sets ROOT (the checkout), CONF (SHALLOWNET_CONF, default conf/ of the checkout), JAVA, LOOPBACK,
# CLUSTERS and MODULE_OPTS (an array: conf/java-module-options, the options Spark needs on Java 17).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
CONF="${SHALLOWNET_CONF:-$ROOT/conf}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Daemons, drivers and executors on this machine talk over loopback: no network address needed.
LOOPBACK=127.0.0.1
# The clusters that cluster.sh started from this checkout, by port: links to their directories.
CLUSTERS="$ROOT/target/clusters"

# The spark-security.conf of the running cluster.sh cluster whose master is $1 (spark://127.0.0.1:PORT
# or spark://localhost:PORT), if that cluster is secured; nothing otherwise.
cluster_security_conf() {
  [[ "$1" =~ ^spark://(127\.0\.0\.1|localhost):([0-9]+)$ ]] || return 0
  local dir
  dir="$(readlink "$CLUSTERS/${BASH_REMATCH[2]}" 2>/dev/null)" || return 0
  [[ -f "$dir/spark-security.conf" && -f "$dir/master-url" ]] && echo "$dir/spark-security.conf"
  return 0
}

# One line on stderr and exit 2, as the application does for bad input.
die() { echo "$PROG: $*" >&2; exit 2; }

[[ -r "$CONF/java-module-options" ]] || die "$CONF/java-module-options: not readable"
# One option per word (none holds a space); read stops at the end of the file with status 1.
read -r -d '' -a MODULE_OPTS <"$CONF/java-module-options" || true

# The value of the option in "$@" ("--opt VALUE" or "--opt=VALUE") into OPT_VALUE and the number
# of words it took into OPT_WORDS. A missing or empty value, or a next word that is an option
# (--...), is refused: "--master --data d" means the value was forgotten.
option_value() {
  if [[ "$1" == --*=* ]]; then OPT_VALUE="${1#*=}"; OPT_WORDS=1
  elif [[ $# -ge 2 && "$2" != --* ]]; then OPT_VALUE="$2"; OPT_WORDS=2
  else OPT_VALUE=""; OPT_WORDS=1; fi
  [[ -n "$OPT_VALUE" ]] || die "${1%%=*} needs a value"
}

# A count of 1 or more, not evaluated as arithmetic.
check_count() { [[ "$2" =~ ^[1-9][0-9]{0,5}$ ]] || die "$1 needs a whole number of 1 or more, not '$2'"; }

# A size in the form both Spark and the JVM's -Xmx read: digits and a unit k, m, g or t.
check_size() { [[ "$2" =~ ^[1-9][0-9]*[kKmMgGtT]$ ]] || die "$1 needs a size like 2g or 512m, not '$2'"; }

# A java to run: JAVA_HOME's, else the one on PATH; one line and exit 2 otherwise (bash's own
# "No such file or directory" would exit 127).
check_java() {
  if [[ -n "${JAVA_HOME:-}" ]]; then
    [[ -x "$JAVA" && ! -d "$JAVA" ]] \
      || die "JAVA_HOME is '$JAVA_HOME', which has no bin/java; point it at a JDK 17 or later, or unset it"
  else
    command -v java >/dev/null 2>&1 || die "no java on PATH; install a JDK 17 or later, or set JAVA_HOME"
  fi
}

# The JVM must start with the options the user added (SHALLOWNET_JAVA_OPTS, a driver memory): a JVM
# that cannot start prints its reason on stdout, over several lines. Tried once with -version,
# only when the user gave such options; its most telling line becomes ours, with exit 2.
check_jvm_options() {
  local what="$1"; shift
  local out rc=0
  out="$("$JAVA" "$@" -version 2>&1)" || rc=$?
  if [[ $rc -ne 0 ]]; then
    local why
    why="$(printf '%s\n' "$out" | grep -v -e '^Error occurred during initialization of VM' \
      -e '^Error: Could not create the Java Virtual Machine' -e '^Error: A fatal exception has occurred' \
      -e '^WARNING: Using incubator modules' | grep -m 1 . || true)"
    die "the JVM does not start with $what: ${why:-exit code $rc}"
  fi
}

# Spark's jars as a classpath: $SPARK_HOME/jars, else the Maven dependency classpath of the build,
# whose jars are in the builder's Maven repository: all of them must be readable by this user.
spark_classpath() {
  if [[ -n "${SPARK_HOME:-}" ]]; then
    echo "$SPARK_HOME/jars/*"
  else
    local cp jar
    cp="$(cat "$ROOT/target/spark-classpath.txt")"
    local IFS=:
    for jar in $cp; do
      [[ -r "$jar" ]] || die "$jar: not readable by $(id -un 2>/dev/null || echo this user) (target/spark-classpath.txt" \
        "lists the Maven repository of whoever built the jar); run as that user, rebuild as this one" \
        "(mvn -DskipTests package), or set SPARK_HOME to a Spark installation"
    done
    echo "$cp"
  fi
}
