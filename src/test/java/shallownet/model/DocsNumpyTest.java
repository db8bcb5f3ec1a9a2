package shallownet.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;
import shallownet.testutil.Docs;
import shallownet.testutil.IdxFixtures;

/** docs/outputs.md's numpy block runs as written and gives predict's labels (skipped without python3 and numpy). */
class DocsNumpyTest {

    @TempDir
    Path dir;

    static boolean numpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void theNumpyBlockRunsAndGivesPredictsLabels() throws Exception {
        String block = Docs.codeBlocks("docs/outputs.md", "Model format").stream().filter(b -> b.contains("import numpy")
                || b.contains("numpy as np")).findFirst().orElseThrow();
        Assumptions.assumeTrue(numpy(), "python3 with numpy is not installed: the block is not run");
        NetworkShape shape = new NetworkShape(28 * 28, 16, 10);
        float[] params = new float[shape.parameterCount()];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (r.nextGaussian() * 0.2);
        }
        ModelFiles.save(new Configuration(), dir.resolve("model").toString(), shape, params,
                ModelFiles.json().createObjectNode(), false);
        int n = 50;
        byte[] idx = IdxFixtures.imageFile(n, 28, 28);
        Files.createDirectories(dir.resolve("data/mnist"));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("data/mnist/t10k-images-idx3-ubyte.gz")))) {
            out.write(idx);
        }
        Path script = Files.writeString(dir.resolve("block.py"), block + "print(','.join(str(int(v)) for v in labels))\n");
        Process p = new ProcessBuilder("python3", script.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), output);

        int[] labels = new int[n];
        NetworkKernel.forThread(shape).predict(params, Arrays.copyOfRange(idx, 16, idx.length), 0, n, labels, 0, null);
        List<String> expected = Arrays.stream(labels).mapToObj(String::valueOf).toList();
        assertEquals(String.join(",", expected), output.strip());
        assertEquals(4L * params.length, Files.size(dir.resolve("weights.bin")), "the block writes the weights back");
    }
}
