package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import shallownet.data.DriverSizing;

/** The lines submit.sh prints about the driver's size, in the words the user types to it. */
class DriverSizingMainTest {

    private static final long GIB = 1024L * 1024 * 1024;

    @Test
    void theLinesNameDriverMemoryAndAllowSpill() {
        long twenty = 1_200_000L * 785 + 10_000L * 785;
        assertEquals("submit.sh: the data (950 MB uncompressed) needs a driver heap of 3g to stay in memory; using "
                + "--driver-memory 3g (default 2g; an explicit --driver-memory wins)",
                DriverSizingMain.message(DriverSizing.choose(twenty, 2 * GIB, 18 * GIB, false), "/data"));
        long huge = 20 * GIB;
        assertEquals("error: /data: the data (21475 MB uncompressed) needs a driver heap of 51712m to stay in memory, more "
                + "than this machine allows (18g, 3/4 of its physical memory); train on a cluster, or pass --allow-spill "
                + "to train with part of it on local disk (slower)",
                DriverSizingMain.message(DriverSizing.choose(huge, 2 * GIB, 18 * GIB, false), "/data"));
        assertEquals("submit.sh: the data (21475 MB uncompressed) needs a driver heap of 51712m to stay in memory; "
                + "--allow-spill: using --driver-memory 18g (3/4 of physical memory), the rest goes to local disk",
                DriverSizingMain.message(DriverSizing.choose(huge, 2 * GIB, 18 * GIB, true), "/data"));
    }
}
