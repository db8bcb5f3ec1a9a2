package shallownet.testutil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code predict --probabilities}'s CSV ({@code index,label,p0..}) read back, and compared with an ONNX run. */
public record PredictCsv(int[] labels, float[][] probabilities) {

    public static PredictCsv read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int n = lines.size() - 1;
        int[] labels = new int[n];
        float[][] probs = new float[n][];
        for (int i = 0; i < n; i++) {
            String[] f = lines.get(i + 1).split(",");
            if (Integer.parseInt(f[0]) != i) {
                throw new IllegalStateException(csv + ": line " + (i + 2) + " has index " + f[0]);
            }
            labels[i] = Integer.parseInt(f[1]);
            probs[i] = new float[f.length - 2];
            for (int c = 0; c < probs[i].length; c++) {
                probs[i][c] = Float.parseFloat(f[c + 2]);
            }
        }
        return new PredictCsv(labels, probs);
    }

    /** How an ONNX run agrees with these predictions, from sample {@code first} on. */
    public record Agreement(int samples, int labelsEqual, double maxProbabilityDiff) {
        @Override
        public String toString() {
            return "labels agreeing " + labelsEqual + "/" + samples + ", max |p(onnx) - p(predict)| "
                    + String.format("%.3g", maxProbabilityDiff);
        }
    }

    public Agreement compare(OnnxRunner.Output onnx, int first) {
        int equal = 0;
        double max = 0;
        int n = onnx.labels().length;
        for (int i = 0; i < n; i++) {
            if (onnx.labels()[i] == labels[first + i]) {
                equal++;
            }
            for (int c = 0; c < probabilities[first + i].length; c++) {
                max = Math.max(max, Math.abs(onnx.probabilities()[i][c] - probabilities[first + i][c]));
            }
        }
        return new Agreement(n, equal, max);
    }
}
