package shallownet.train;

import java.io.Serializable;
import java.util.List;
import shallownet.net.NetworkShape;

/**
 * The per-partition accumulator of one Spark job over blocks ({@code B}) at one set of weights:
 * {@link #add} folds a block in, {@link #merge} combines two partial results in any order. What a
 * job needs besides the block and the weights ({@code I}: a step's minibatch, a validation split;
 * {@code Void} when nothing) is an argument of every {@link #add}: it travels to the tasks with the
 * job, never inside the fold, so it is not sent back with the result.
 * {@link SparkBackend#aggregate} runs every job through this one interface.
 */
public interface BlockFold<B, I, F extends BlockFold<B, I, F>> extends Serializable {

    /** Folds {@code block} in at weights {@code params} with the job's {@code inputs}; returns the fold (this, or a replacement). */
    F add(B block, NetworkShape shape, float[] params, I inputs);

    /**
     * Folds in a whole partition's blocks, in their order: the same as {@link #add} on each in
     * turn (a fold may do its per-step work once per partition rather than once per block).
     */
    default F addAll(List<? extends B> partition, NetworkShape shape, float[] params, I inputs) {
        @SuppressWarnings("unchecked")
        F fold = (F) this;
        for (B block : partition) {
            fold = fold.add(block, shape, params, inputs);
        }
        return fold;
    }

    /** Combines {@code other} into this; returns the combined fold (this, or {@code other}). */
    F merge(F other);
}
