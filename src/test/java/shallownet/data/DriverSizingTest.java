package shallownet.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.IdxFixtures;

class DriverSizingTest {

    private static final long MIB = 1024L * 1024;
    private static final long GIB = 1024 * MIB;

    @TempDir
    Path tmp;

    @Test
    void theDataSizeComesFromTheHeadersOfRawAndGzippedFiles() throws Exception {
        IdxFixtures.writeDataDirectory(tmp.resolve("raw"), 300, 100, 28, 28, 10, false);
        IdxFixtures.writeDataDirectory(tmp.resolve("gz"), 300, 100, 28, 28, 10, true);
        long expected = 300L * 784 + 300 + 100L * 784 + 100;
        assertEquals(expected, DriverSizing.dataBytes(new Configuration(), tmp.resolve("raw").toString()));
        assertEquals(expected, DriverSizing.dataBytes(new Configuration(), tmp.resolve("gz").toString()));
    }

    @Test
    void mnistKeepsTheDefaultAndTheTwentyFoldSetGetsThreeGigabytes() {
        long mnist = 60_000L * 785 + 10_000L * 785;
        DriverSizing.Choice c = DriverSizing.choose(mnist, 2 * GIB, 18 * GIB, false);
        assertEquals(2 * GIB, c.heap());
        assertFalse(c.refused());
        // The set: 2g held one of its two partitions; 300 MiB + 2.5 x 950 MB rounds up to 3g.
        long twenty = 1_200_000L * 785 + 10_000L * 785;
        DriverSizing.Choice big = DriverSizing.choose(twenty, 2 * GIB, 18 * GIB, false);
        assertEquals(3 * GIB, big.heap());
        assertEquals("3g", DriverSizing.setting(big.heap()));
    }

    @Test
    void dataBeyondThePhysicalLimitIsRefusedUnlessSpillIsAllowed() {
        long huge = 20 * GIB;
        DriverSizing.Choice refused = DriverSizing.choose(huge, 2 * GIB, 18 * GIB, false);
        assertTrue(refused.refused());
        DriverSizing.Choice spill = DriverSizing.choose(huge, 2 * GIB, 18 * GIB, true);
        assertFalse(spill.refused());
        assertEquals(18 * GIB, spill.heap());
    }

    @Test
    void settingsParseAndPrintLikeSparkOnes() {
        assertEquals(2 * GIB, DriverSizing.parse("2g"));
        assertEquals(2560 * MIB, DriverSizing.parse("2560m"));
        assertEquals(2560 * MIB, DriverSizing.parse("2560MB"));
        assertEquals("2560m", DriverSizing.setting(2560 * MIB));
        assertThrows(IllegalArgumentException.class, () -> DriverSizing.parse("lots"));
        assertEquals(512 * MIB, DriverSizing.heapFor(1));
    }
}
