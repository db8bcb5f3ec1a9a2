package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The job's broadcast block size: 256k unless the user set one (spark-submit's --conf arrives as a
 * system property), so that a step's task binary is not a 4 MB humongous allocation.
 */
class BroadcastBlockSizeTest {

    @Test
    void theJobBroadcastsInBlocksOf256k() {
        SparkOptions spark = new SparkOptions();
        new CommandLine(spark).parseArgs("--master", "local[2]");
        assertEquals("256k", spark.conf().get("spark.broadcast.blockSize"));
    }

    @Test
    void aUsersOwnBlockSizeWins() {
        System.setProperty("spark.broadcast.blockSize", "4m");
        try {
            SparkOptions spark = new SparkOptions();
            new CommandLine(spark).parseArgs("--master", "local[2]");
            assertEquals("4m", spark.conf().get("spark.broadcast.blockSize"));
        } finally {
            System.clearProperty("spark.broadcast.blockSize");
        }
    }

    @Test
    void executorsRunOneOpenBlasThreadPerTaskUnlessTheUserSaysOtherwise() {
        // Only matters with -Dshallownet.blas=native on the executors (see NetworkKernel).
        SparkOptions spark = new SparkOptions();
        new CommandLine(spark).parseArgs("--master", "local[2]");
        assertEquals("1", spark.conf().get("spark.executorEnv.OPENBLAS_NUM_THREADS"));
        System.setProperty("spark.executorEnv.OPENBLAS_NUM_THREADS", "4");
        try {
            assertEquals("4", spark.conf().get("spark.executorEnv.OPENBLAS_NUM_THREADS"));
        } finally {
            System.clearProperty("spark.executorEnv.OPENBLAS_NUM_THREADS");
        }
    }
}
