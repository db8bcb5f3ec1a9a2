package shallownet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.idx.DataDirectory;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkShape;
import shallownet.testutil.IdxFixtures;
import shallownet.train.TrainingConfig;

/** Which checkpoints a run resumes: the key holds everything that determines the trained bits. */
class RunIdsTest {

    @TempDir
    Path tmp;

    @Test
    void theKeyChangesWithRecipeStartDataAndPartitionsAndTheIdIsItsDigest() throws Exception {
        Configuration conf = new Configuration();
        String a = IdxFixtures.writeDataDirectory(tmp.resolve("a"), 30, 10, 4, 4, 10, false).dir().toString();
        String b = IdxFixtures.writeDataDirectory(tmp.resolve("b"), 31, 10, 4, 4, 10, false).dir().toString();
        LabeledIdxFiles trainA = DataDirectory.train(conf, a, 10);
        LabeledIdxFiles testA = DataDirectory.test(conf, a, 10);
        LabeledIdxFiles trainB = DataDirectory.train(conf, b, 10);
        TrainingConfig c = TrainingConfig.seedRecipe();
        NetworkShape shape = new NetworkShape(16, 64, 10);
        String key = RunIds.key(c, shape, "scratch", trainA, testA, 2);

        assertEquals(key, RunIds.key(c, shape, "scratch", trainA, testA, 2));
        assertNotEquals(key, RunIds.key(c, shape, "scratch", trainA, testA, 3), "partitions");
        assertNotEquals(key, RunIds.key(c.withEpochs(6), shape, "scratch", trainA, testA, 2), "recipe");
        assertNotEquals(key, RunIds.key(c, shape, "champion v000001 sha256 ab", trainA, testA, 2), "start");
        assertNotEquals(key, RunIds.key(c, shape, "scratch", trainB, testA, 2), "training data");

        String id = RunIds.derive(key);
        assertTrue(id.matches("run-[0-9a-f]{16}"), id);
        assertEquals(id, RunIds.derive(key));
        assertNotEquals(id, RunIds.derive(RunIds.key(c, shape, "scratch", trainA, testA, 3)));
    }
}
