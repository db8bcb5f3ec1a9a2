package shallownet.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * An exported model as a serving system runs it: ONNX Runtime's Java API, with strict shape and
 * type inference on loading; and ONNX's own checker (Python's {@code onnx.checker}, full check)
 * where a Python with the {@code onnx} module is installed (Debian's {@code python3-onnx}).
 */
public final class OnnxRunner implements AutoCloseable {

    /** What a run gives: the softmax rows and the labels. */
    public record Output(float[][] probabilities, long[] labels) {
    }

    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OnnxRunner(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            // Fails the load on any shape or type the graph's declarations contradict.
            o.addConfigEntry("session.strict_shape_type_inference", "1");
            session = ENV.createSession(model, o);
        }
    }

    public OrtSession session() {
        return session;
    }

    /** Runs the model on {@code n} rows of {@code width} values, fed as the input {@code name}. */
    public Output run(String name, float[] rows, int n, int width) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(rows, 0, n * width), new long[] {n, width});
             OrtSession.Result r = session.run(Map.of(name, t))) {
            return new Output((float[][]) r.get("probabilities").orElseThrow().getValue(),
                    (long[]) r.get("label").orElseThrow().getValue());
        }
    }

    /** Raw pixels (unsigned bytes) as the float32 values 0..255 the exported graph takes. */
    public static float[] pixelValues(byte[] pixels) {
        float[] f = new float[pixels.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = pixels[i] & 0xff;
        }
        return f;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }

    /**
     * ONNX's checker on {@code file} ({@code onnx.checker.check_model(full_check=True)}, which also
     * runs ONNX's shape inference): returns its output line. Skipped where no Python has the onnx
     * module, except in CI, which installs it (.ci/run) and so must run it.
     */
    public static String check(Path file) throws IOException, InterruptedException {
        String python = pythonWithOnnx();
        Process p = new ProcessBuilder(python, "-c", "import onnx, sys\n"
                + "m = onnx.load(sys.argv[1])\n"
                + "onnx.checker.check_model(m, full_check=True)\n"
                + "print('onnx', onnx.__version__, 'checker: ok, ir_version', m.ir_version, 'opset',"
                + " m.opset_import[0].version)\n", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("ONNX's checker refused " + file + ":\n" + out);
        }
        return out;
    }

    /** python3 from PATH, else Debian's /usr/bin/python3 (a PATH may put another Python first). */
    private static String pythonWithOnnx() throws InterruptedException {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import onnx").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // no such program: try the next
            }
        }
        String why = "no python3 with the onnx module (Debian: apt-get install python3-onnx)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(why + "; CI installs it (.ci/run) and must run ONNX's checker");
        }
        Assumptions.abort(why);
        return null;
    }
}
