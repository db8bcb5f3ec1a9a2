package shallownet.net;

import java.io.Serializable;

/**
 * Sizes of the shallow network (inputs, hidden units, outputs) and where each tensor sits in the
 * flat parameter vector. The flat layout is the on-disk layout of {@code weights.bin}:
 * {@code W1} (hidden x inputs, row-major), {@code b1} (hidden), {@code W2} (outputs x hidden,
 * row-major), {@code b2} (outputs). Gradients use the same layout, so the update is one loop.
 */
public record NetworkShape(int inputs, int hidden, int outputs) implements Serializable {

    public NetworkShape {
        if (inputs <= 0 || hidden <= 0 || outputs <= 1) {
            throw new IllegalArgumentException(
                    "network sizes must be positive (and at least 2 outputs): "
                            + inputs + "-" + hidden + "-" + outputs);
        }
    }

    public int w1Offset() {
        return 0;
    }

    public int b1Offset() {
        return hidden * inputs;
    }

    public int w2Offset() {
        return b1Offset() + hidden;
    }

    public int b2Offset() {
        return w2Offset() + outputs * hidden;
    }

    public int parameterCount() {
        return b2Offset() + outputs;
    }

    @Override
    public String toString() {
        return inputs + "-" + hidden + "-" + outputs;
    }
}
