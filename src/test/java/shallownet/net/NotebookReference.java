package shallownet.net;

/**
 * The notebook's functions written out directly in double precision with plain loops, as the
 * independent reference the float32 kernel is tested against: forwardprop_shallow, eval_loss
 * (mean of -d log y over all classes x N entries), eval_perfs and the gradient of update_shallow
 * (delta2 = softmaxp(a2, -d/y), delta1 = relup(a1, W2^T delta2)).
 */
final class NotebookReference {

    final NetworkShape shape;
    final double[] w1;
    final double[] b1;
    final double[] w2;
    final double[] b2;

    NotebookReference(NetworkShape shape, float[] p) {
        this.shape = shape;
        int ni = shape.inputs();
        int nh = shape.hidden();
        int no = shape.outputs();
        w1 = slice(p, shape.w1Offset(), nh * ni);
        b1 = slice(p, shape.b1Offset(), nh);
        w2 = slice(p, shape.w2Offset(), no * nh);
        b2 = slice(p, shape.b2Offset(), no);
    }

    private static double[] slice(float[] p, int off, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = p[off + i];
        }
        return out;
    }

    /** x as the notebook has it: column-major inputs x N, -1 + 2 x / 255. */
    static double[] normalise(byte[] pixels) {
        double[] x = new double[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            x[i] = -1 + 2.0 * (pixels[i] & 0xff) / 255;
        }
        return x;
    }

    double[][] forward(double[] x, int n) {
        int ni = shape.inputs();
        int nh = shape.hidden();
        int no = shape.outputs();
        double[] a1 = new double[nh * n];
        for (int s = 0; s < n; s++) {
            for (int h = 0; h < nh; h++) {
                double v = b1[h];
                for (int i = 0; i < ni; i++) {
                    v += w1[h * ni + i] * x[s * ni + i];
                }
                a1[s * nh + h] = v;
            }
        }
        double[] h1 = Activations.relu(a1);
        double[] a2 = new double[no * n];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < no; o++) {
                double v = b2[o];
                for (int h = 0; h < nh; h++) {
                    v += w2[o * nh + h] * h1[s * nh + h];
                }
                a2[s * no + o] = v;
            }
        }
        return new double[][] {a1, h1, a2, Activations.softmax(a2, no)};
    }

    static double evalLoss(double[] y, double[] d) {
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            if (d[i] != 0) {
                sum += -d[i] * Math.log(y[i]);
            }
        }
        return sum / y.length;
    }

    static double evalPerfs(double[] y, byte[] labels, int classes) {
        int[] predicted = Labels.argmaxColumns(y, classes);
        int wrong = 0;
        for (int s = 0; s < labels.length; s++) {
            if (predicted[s] != (labels[s] & 0xff)) {
                wrong++;
            }
        }
        return 100.0 * wrong / labels.length;
    }

    /** The gradient sum of update_shallow, in the flat layout of NetworkShape. */
    double[] gradient(double[] x, byte[] labels) {
        int n = labels.length;
        int ni = shape.inputs();
        int nh = shape.hidden();
        int no = shape.outputs();
        double[][] f = forward(x, n);
        double[] a1 = f[0];
        double[] h1 = f[1];
        double[] a2 = f[2];
        double[] y = f[3];
        double[] d = Labels.toOneHot(labels, no);
        double[] e2 = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            e2[i] = -d[i] / y[i];
        }
        double[] delta2 = Activations.softmaxp(a2, e2, no);
        double[] back = new double[nh * n];
        for (int s = 0; s < n; s++) {
            for (int h = 0; h < nh; h++) {
                double v = 0;
                for (int o = 0; o < no; o++) {
                    v += w2[o * nh + h] * delta2[s * no + o];
                }
                back[s * nh + h] = v;
            }
        }
        double[] delta1 = Activations.relup(a1, back);
        double[] g = new double[shape.parameterCount()];
        for (int s = 0; s < n; s++) {
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < ni; i++) {
                    g[shape.w1Offset() + h * ni + i] += delta1[s * nh + h] * x[s * ni + i];
                }
                g[shape.b1Offset() + h] += delta1[s * nh + h];
            }
            for (int o = 0; o < no; o++) {
                for (int h = 0; h < nh; h++) {
                    g[shape.w2Offset() + o * nh + h] += delta2[s * no + o] * h1[s * nh + h];
                }
                g[shape.b2Offset() + o] += delta2[s * no + o];
            }
        }
        return g;
    }
}
