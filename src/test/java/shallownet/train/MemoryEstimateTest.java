package shallownet.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import shallownet.BadInputException;
import shallownet.MemorySize;
import shallownet.net.NetworkKernel;

/** The up-front memory estimate: its arithmetic, the budgets it reads, and what it refuses. */
class MemoryEstimateTest {

    private static final long GB = 1L << 30;
    private static final TrainingConfig SEED = TrainingConfig.seedRecipe();

    private static TrainingConfig hidden(int h) {
        return new TrainingConfig(h, 100, 0.05, 1, 1, false, 1, 10);
    }

    @Test
    void theSeedNetworkNeedsAFewMegabytes() {
        MemoryEstimate e = MemoryEstimate.of(784, 64, 10, SEED, 60_000);
        assertEquals(50_890, e.parameters());
        long kernel = 4L * NetworkKernel.CHUNK * (784 + 3 * 64 + 10);
        assertEquals(8 * 50_890 + kernel + 4 * 100, e.perTaskBytes());
        assertEquals(24 * 50_890 + 4 * 60_000, e.driverBytes());
        e.check(new MemoryEstimate.Budget(256L << 20, 0, 8), "--hidden 64"); // fits a 256 MB driver with 8 tasks
    }

    @Test
    void hundredThousandHiddenUnitsAreRefusedOnATwoGigabyteDriverWithTheEstimate() {
        MemoryEstimate e = MemoryEstimate.of(784, 100_000, 10, hidden(100_000), 60_000);
        assertEquals(79_500_010, e.parameters());
        BadInputException x = assertThrows(BadInputException.class,
                () -> e.check(new MemoryEstimate.Budget(2 * GB, 0, 2), "--hidden 100000"));
        assertEquals("--hidden 100000: 79,500,010 parameters need at least 3.8 GB (1.9 GB on the driver for weights "
                + "and gradient sums, 944.0 MB per task for weights, gradients and activations, 2 tasks at a time in "
                + "the same JVM); the driver has 2.1 GB (driverMemory)", x.getMessage());
        e.check(new MemoryEstimate.Budget(8 * GB, 0, 2), "--hidden 100000"); // fits 8 GB
    }

    @Test
    void onAClusterTheTaskMustFitItsExecutorAndTheSumsTheDriver() {
        MemoryEstimate e = MemoryEstimate.of(784, 100_000, 10, hidden(100_000), 60_000);
        MemoryEstimate.Budget smallExecutors = MemoryEstimate.Budget.of("spark://127.0.0.1:7077", "512m", null, 8 * GB);
        BadInputException x = assertThrows(BadInputException.class, () -> e.check(smallExecutors, "--hidden 100000"));
        assertTrue(x.getMessage().startsWith("--hidden 100000: 79,500,010 parameters need at least 944.0 MB per "
                + "executor task for weights, gradients and activations; an executor has 536.9 MB"), x.getMessage());
        MemoryEstimate.Budget twoCores = MemoryEstimate.Budget.of("spark://h:7077", "1g", "2", 8 * GB);
        assertThrows(BadInputException.class, () -> e.check(twoCores, "--hidden 100000"), "two tasks share 1 GB");
        e.check(MemoryEstimate.Budget.of("spark://h:7077", "2g", "2", 8 * GB), "--hidden 100000");
        BadInputException d = assertThrows(BadInputException.class,
                () -> e.check(MemoryEstimate.Budget.of("spark://h:7077", "8g", null, GB), "--hidden 100000"));
        assertTrue(d.getMessage().contains("the driver has 1.1 GB"), d.getMessage());
    }

    @Test
    void momentumAndEarlyStoppingKeepMoreOnTheDriver() {
        TrainingConfig plain = hidden(1000);
        TrainingConfig both = plain.withOptimizer(new TrainingConfig.Optimizer(0.9, false, LearningRateSchedule.CONSTANT,
                1, 1, 0)).withValidation(0.1, 2);
        long p = MemoryEstimate.of(784, 1000, 10, plain, 100).parameters();
        assertEquals(8 * p, MemoryEstimate.of(784, 1000, 10, both, 100).driverBytes()
                - MemoryEstimate.of(784, 1000, 10, plain, 100).driverBytes());
    }

    @Test
    void aHugeBatchCostsItsIndicesUpToTheTrainingSetOnly() {
        TrainingConfig huge = new TrainingConfig(64, Integer.MAX_VALUE, 0.05, 1, 1, false, 1, 10);
        assertEquals(MemoryEstimate.of(784, 64, 10, huge, 2_000).perTaskBytes(),
                MemoryEstimate.of(784, 64, 10, huge.withFullBatch(true), 2_000).perTaskBytes());
        assertEquals(1, MinibatchOrder.steps(2_000, Integer.MAX_VALUE), "one step, not a wrapped negative count");
    }

    @Test
    void sizesBeyondAnIntAreEstimatedNotWrapped() {
        MemoryEstimate e = MemoryEstimate.of(784, 2_000_000_000L, 10, hidden(64), 60_000);
        assertEquals(2_000_000_000L * 784 + 2_000_000_000L + 10 * 2_000_000_000L + 10, e.parameters());
        assertTrue(e.driverBytes() > 1_000 * GB);
        assertThrows(BadInputException.class, () -> e.check(new MemoryEstimate.Budget(64 * GB, 0, 1), "--hidden 2000000000"));
    }

    @Test
    void morePartitionsThanSamplesAreRefused() {
        BadInputException e = assertThrows(BadInputException.class, () -> MemoryEstimate.checkPartitions(100_000, 2_000));
        assertEquals("partitions 100000: more partitions than the 2000 training samples; use at most 2000", e.getMessage());
        assertThrows(BadInputException.class, () -> MemoryEstimate.checkPartitions(0, 2_000));
        MemoryEstimate.checkPartitions(2_000, 2_000);
    }

    @Test
    void localMastersGiveTheirTaskSlots() {
        assertEquals(1, MemoryEstimate.Budget.of("local", null, null, GB).slots());
        assertEquals(3, MemoryEstimate.Budget.of("local[3]", null, null, GB).slots());
        assertEquals(4, MemoryEstimate.Budget.of("local[4,2]", null, null, GB).slots());
        assertEquals(Runtime.getRuntime().availableProcessors(), MemoryEstimate.Budget.of("local[*]", null, null, GB).slots());
        assertTrue(MemoryEstimate.Budget.of(null, null, null, GB).local());
        assertEquals(GB, MemoryEstimate.Budget.of("yarn", null, null, GB).executorBytes(), "Spark's default 1g");
    }

    @Test
    void sparkMemoryStringsAreBinaryUnitsAndBareNumbersAreMebibytes() {
        assertEquals(512L << 20, MemorySize.parseSparkMemory("512m"));
        assertEquals(2L << 30, MemorySize.parseSparkMemory("2g"));
        assertEquals(2L << 30, MemorySize.parseSparkMemory("2GB"));
        assertEquals(300L << 20, MemorySize.parseSparkMemory("300"));
        assertThrows(IllegalArgumentException.class, () -> MemorySize.parseSparkMemory("lots"));
        assertEquals("9.8 GB", MemorySize.format(9_800_000_000L));
    }
}
