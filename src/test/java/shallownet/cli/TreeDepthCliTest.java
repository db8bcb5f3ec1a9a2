package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import shallownet.train.AggregationTree;

/** --tree-depth: passed to the job as its Spark configuration key, refused before Spark when malformed. */
class TreeDepthCliTest {

    @ParameterizedTest
    @ValueSource(strings = {"auto", "1", "2", "3"})
    void theDepthReachesTheJobsConfiguration(String depth) {
        SparkOptions spark = new SparkOptions();
        new CommandLine(spark).parseArgs("--master", "local[2]", "--tree-depth", depth);
        assertEquals(depth, spark.conf().get(AggregationTree.CONF_KEY));
    }

    @Test
    void withoutTheOptionTheConfigurationKeepsItsOwn() {
        SparkOptions spark = new SparkOptions();
        new CommandLine(spark).parseArgs("--master", "local[2]");
        assertFalse(spark.conf().contains(AggregationTree.CONF_KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "retrain", "evaluate"})
    void aDepthOtherThanAutoOneTwoOrThreeIsAUsageError(String command) {
        CliRunner.Outcome r = CliRunner.run(command, "--tree-depth", "4");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--tree-depth") && r.err().contains("tree depth must be auto, 1, 2 or 3, not '4'"),
                r.err());
    }
}
