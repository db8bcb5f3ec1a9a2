package shallownet.data;

/**
 * What the two kinds of block share: where the run of samples starts in the whole data set, how
 * many inputs each sample has, and the labels (class indices below 256, one byte each). The
 * inputs themselves, and how the kernel reads them, are the subclass's.
 */
abstract class LabeledRange implements LabeledBlock {

    private static final long serialVersionUID = 1L;

    private final int firstIndex;
    private final int inputsPerSample;
    /** Package-visible for the subclasses' kernel calls, which take the array itself. */
    final byte[] labels;

    /** {@code inputs} values in all, {@code inputsPerSample} per label; {@code what} names them in the error. */
    LabeledRange(int firstIndex, int inputsPerSample, int inputs, byte[] labels, String what) {
        if (inputs != (long) labels.length * inputsPerSample) {
            throw new IllegalArgumentException(inputs + " " + what + " for " + labels.length + " labels of "
                    + inputsPerSample + " " + what);
        }
        this.firstIndex = firstIndex;
        this.inputsPerSample = inputsPerSample;
        this.labels = labels;
    }

    @Override
    public final int firstIndex() {
        return firstIndex;
    }

    @Override
    public final int count() {
        return labels.length;
    }

    @Override
    public final int inputsPerSample() {
        return inputsPerSample;
    }

    @Override
    public final int label(int local) {
        return labels[local] & 0xff;
    }

    public final byte[] labels() {
        return labels;
    }
}
