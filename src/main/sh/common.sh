# Sourced by submit.sh and src/main/sh/cluster.sh: what both need to start Spark's JVMs, and the
# checks of their option values. The caller sets PROG, the name its messages start with.
# Sets ROOT (the checkout), CONF (SHALLOWNET_CONF, default conf/ of the checkout), JAVA, LOOPBACK
# and MODULE_OPTS (an array: conf/java-module-options, the options Spark needs on Java 17).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
CONF="${SHALLOWNET_CONF:-$ROOT/conf}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Daemons, drivers and executors on this machine talk over loopback: no network address needed.
LOOPBACK=127.0.0.1

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

# Spark's jars as a classpath: $SPARK_HOME/jars, else the Maven dependency classpath of the build.
spark_classpath() {
  if [[ -n "${SPARK_HOME:-}" ]]; then
    echo "$SPARK_HOME/jars/*"
  else
    cat "$ROOT/target/spark-classpath.txt"
  fi
}
