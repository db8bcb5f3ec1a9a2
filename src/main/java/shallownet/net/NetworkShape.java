package shallownet.net;

import java.io.Serializable;

/**
 * Sizes of the shallow network (inputs, hidden units, outputs) and where each tensor sits in the
 * flat parameter vector. The flat layout is the on-disk layout of {@code weights.bin}:
 * {@code W1} (hidden x inputs, row-major), {@code b1} (hidden), {@code W2} (outputs x hidden,
 * row-major), {@code b2} (outputs). Gradients use the same layout, so the update is one loop.
 */
public record NetworkShape(int inputs, int hidden, int outputs) implements Serializable {

    /**
     * The most parameters a network may have: the flat vector is one Java array (whose length is
     * an int, a few below {@code Integer.MAX_VALUE} on common JVMs).
     */
    public static final long MAX_PARAMETERS = Integer.MAX_VALUE - 8;

    public NetworkShape {
        if (inputs <= 0 || hidden <= 0 || outputs <= 1) {
            throw new IllegalArgumentException(
                    "network sizes must be positive (and at least 2 outputs): "
                            + inputs + "-" + hidden + "-" + outputs);
        }
        long count = parameterCount(inputs, hidden, outputs);
        if (count > MAX_PARAMETERS) {
            throw new IllegalArgumentException("a " + inputs + "-" + hidden + "-" + outputs + " network has " + count
                    + " parameters, more than one array can hold (" + MAX_PARAMETERS + ")");
        }
        // The kernel's activation buffers hold NetworkKernel.CHUNK samples of the widest layer.
        if ((long) Math.max(inputs, Math.max(hidden, outputs)) * NetworkKernel.CHUNK > MAX_PARAMETERS) {
            throw new IllegalArgumentException("a " + inputs + "-" + hidden + "-" + outputs
                    + " network has a layer too wide for the kernel's buffers (at most "
                    + MAX_PARAMETERS / NetworkKernel.CHUNK + " units)");
        }
    }

    /** Parameters of an {@code inputs-hidden-outputs} network, in long arithmetic (cannot overflow). */
    public static long parameterCount(long inputs, long hidden, long outputs) {
        return hidden * inputs + hidden + outputs * hidden + outputs;
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

    /** Fits an int: the constructor refuses shapes with more than {@link #MAX_PARAMETERS}. */
    public int parameterCount() {
        return b2Offset() + outputs;
    }

    @Override
    public String toString() {
        return inputs + "-" + hidden + "-" + outputs;
    }
}
