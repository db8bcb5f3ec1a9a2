package shallownet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import shallownet.data.CacheReport;

class ReportAssemblyTest {

    @Test
    void theCacheSectionSaysWhatSparkHeldAndWhatWouldHoldItAll() {
        CacheReport spilled = new CacheReport(47_040_000, 30_000_000, 17_040_000, 4, 4, true, 1, "--driver-memory 2g");
        TrainingReport.Section s = ReportAssembly.cacheSection(spilled);
        assertEquals("memory", s.id());
        assertEquals(List.of(
                        new TrainingReport.Entry("data (pixels and labels)", "47.0 MB"),
                        new TrainingReport.Entry("in memory", "30.0 MB"),
                        new TrainingReport.Entry("spilled to local disk", "17.0 MB"),
                        new TrainingReport.Entry("partitions cached", "4 of 4"),
                        new TrainingReport.Entry("all in memory", "no: read back on every step, slower"),
                        new TrainingReport.Entry("would hold it all in memory", "--driver-memory 2g")),
                s.entries());
        assertEquals(new TrainingReport.Entry("partitions", "8"), ReportAssembly.entry("partitions", 8));
    }
}
