package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.CountingFileSystem;
import shallownet.testutil.IdxFixtures;

/**
 * Commands that run without a Spark context ({@code info}, {@code show}, {@code predict}) read
 * their files with the driver's Hadoop configuration: a {@code spark.hadoop.*} setting (here the
 * file system of a scheme, as credentials would be) reaches them as it reaches Spark.
 */
class DriverHadoopConfTest {

    @TempDir
    Path tmp;

    @Test
    void aSparkHadoopSettingReachesInfo() throws Exception {
        IdxFixtures.writeDataDirectory(tmp.resolve("data"), 60, 20, 4, 4, 10, false);
        String data = CountingFileSystem.url(tmp.resolve("data"));
        String key = "spark.hadoop.fs." + CountingFileSystem.SCHEME + ".impl";
        // No cached instance (e.g. from another test in this JVM): the scheme resolves from the
        // configuration the command passes, or not at all.
        String noCache = "spark.hadoop.fs." + CountingFileSystem.SCHEME + ".impl.disable.cache";
        String saved = System.setProperty(key, CountingFileSystem.class.getName());
        String savedNoCache = System.setProperty(noCache, "true");
        CountingFileSystem.reset();
        try {
            CliRunner.Outcome r = CliRunner.run("info", "--data", data);
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("60 samples of 4x4 = 16 features"), r.out());
            assertTrue(CountingFileSystem.opens("train-images-idx3-ubyte") > 0,
                    "info read the training images through countfs://");
        } finally {
            restore(key, saved);
            restore(noCache, savedNoCache);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
