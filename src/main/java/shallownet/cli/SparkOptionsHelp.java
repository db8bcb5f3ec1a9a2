package shallownet.cli;

/**
 * The Spark options {@code submit.sh} takes out of the command line and gives to spark-submit (its
 * header lists the same), for the help of the commands that run a Spark job: the user types them
 * after the command like its own options.
 */
final class SparkOptionsHelp {

    /** One string (an annotation's value must be a constant); picocli turns each %n into a line break. */
    static final String FOOTER = "%n"
            + "Spark options (./submit.sh gives them to spark-submit; see './submit.sh --help'):%n"
            + "      --master URL           local[*] by default; local[N], spark://HOST:PORT, yarn, k8s://URL%n"
            + "      --deploy-mode MODE     client or cluster%n"
            + "      --driver-memory SIZE   e.g. 4g; in local mode sized for --data unless given%n"
            + "      --executor-memory SIZE, --executor-cores N, --num-executors N, --total-executor-cores N%n"
            + "      --conf KEY=VALUE, --name NAME, --queue QUEUE, --jars JARS, --files FILES%n"
            + "      --allow-spill          local mode: run although the data does not fit the driver's memory";

    private SparkOptionsHelp() {
    }
}
