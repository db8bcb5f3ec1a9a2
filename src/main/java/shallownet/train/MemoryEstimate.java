package shallownet.train;

import java.util.Locale;
import shallownet.BadInputException;
import shallownet.MemorySize;
import shallownet.SettingWords;
import static shallownet.SettingWords.setting;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;

/**
 * A lower bound of the heap a training run needs, from the network's size and the recipe alone,
 * so that a run that cannot fit is refused in seconds rather than failing with an
 * {@code OutOfMemoryError} after Spark has loaded the data. Being a lower bound it never refuses
 * a run that could fit; what it counts, for {@code P} parameters:
 * <ul>
 * <li>per task: the broadcast weights and the task's gradient sum (4P bytes each), the kernel's
 *     activation buffers ({@code 4 x CHUNK x (inputs + 3 hidden + outputs)} bytes) and the
 *     minibatch's sample indices (4 bytes each, at most the training set's size);</li>
 * <li>on the driver: the weights, the broadcast's serialized copy, the fixed-point sum of the
 *     partial gradients (8P) and one partial gradient arriving (4P), plus the momentum velocity
 *     and the early-stopping best weights when the recipe keeps them (4P each).</li>
 * </ul>
 * In local mode the driver and {@code slots} tasks share one heap; on a cluster the driver's
 * part must fit its heap and a task's part its executor's memory divided by its cores.
 */
public record MemoryEstimate(long parameters, long perTaskBytes, long driverBytes) {

    /**
     * The estimate of a {@code inputs-hidden-outputs} network (sizes as longs: a size the user
     * typed need not make a valid {@link NetworkShape}) trained by {@code config} on
     * {@code trainCount} samples.
     */
    public static MemoryEstimate of(long inputs, long hidden, long outputs, TrainingConfig config, long trainCount) {
        long p = NetworkShape.parameterCount(inputs, hidden, outputs);
        long batch = config.fullBatch() ? trainCount : Math.min(config.batchSize(), trainCount);
        long kernel = 4L * NetworkKernel.CHUNK * (inputs + 3 * hidden + outputs);
        long task = 8 * p + kernel + 4 * batch;
        long driver = 24 * p + (config.optimizer().momentum() > 0 ? 4 * p : 0) + (config.patience() > 0 ? 4 * p : 0)
                + 4L * trainCount; // the epoch's permutation
        return new MemoryEstimate(p, task, driver);
    }

    /**
     * Where the run executes: {@code driverHeap} bytes of driver heap; in local mode
     * ({@code executorBytes} = 0) {@code slots} concurrent tasks in that same heap, otherwise
     * executors of {@code executorBytes} running {@code slots} tasks each.
     */
    public record Budget(long driverHeap, long executorBytes, int slots) {

        public boolean local() {
            return executorBytes == 0;
        }

        /**
         * The budget of a Spark configuration ({@code master}, {@code spark.executor.memory},
         * {@code spark.executor.cores}; null when unset) with this JVM's {@code maxHeap} as the driver's.
         * Unset executor cores count as 1 (a lower bound again: fewer tasks share the memory).
         */
        public static Budget of(String master, String executorMemory, String executorCores, long maxHeap) {
            String m = master == null ? "local[*]" : master.trim();
            if (m.startsWith("local")) {
                return new Budget(maxHeap, 0, localSlots(m));
            }
            long executor = shallownet.MemorySize.parseSparkMemory(executorMemory == null ? "1g" : executorMemory);
            int cores = executorCores == null ? 1 : Math.max(1, Integer.parseInt(executorCores.trim()));
            return new Budget(maxHeap, executor, cores);
        }

        /** Task slots of {@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]}. */
        static int localSlots(String master) {
            java.util.regex.Matcher n = java.util.regex.Pattern.compile("local\\[(\\*|\\d+)(,\\d+)?]").matcher(master);
            if (!n.matches()) {
                return 1;
            }
            return n.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Math.max(1, Integer.parseInt(n.group(1)));
        }
    }

    /** Bytes needed in the driver's heap: all of it in local mode, else the driver's part. */
    public long driverNeed(Budget b) {
        return b.local() ? driverBytes + b.slots() * perTaskBytes : driverBytes;
    }

    /**
     * Refuses a run that cannot fit, with a one-line message that starts with {@code subject}
     * (the setting to blame in the caller's words, e.g. {@code "hiddenSize 100000"}) and gives the
     * estimate; the memory settings it names are the core's ({@code driverMemory}, {@code executorMemory}).
     */
    public void check(Budget b, String subject) {
        String network = String.format(Locale.ROOT, "%,d parameters", parameters);
        if (driverNeed(b) > b.driverHeap()) {
            String parts = b.local()
                    ? MemorySize.format(driverBytes) + " on the driver for weights and gradient sums, "
                            + MemorySize.format(perTaskBytes) + " per task for weights, gradients and activations, "
                            + b.slots() + " task" + (b.slots() == 1 ? "" : "s") + " at a time in the same JVM"
                    : "for weights and gradient sums";
            throw new BadInputException(SettingWords.of(subject + ": " + network + " need at least " + MemorySize.format(driverNeed(b))
                    + " (" + parts + "); the driver has " + MemorySize.format(b.driverHeap())
                    + " (", setting("driverMemory"), ")"));
        }
        if (!b.local() && perTaskBytes * b.slots() > b.executorBytes()) {
            throw new BadInputException(SettingWords.of(subject + ": " + network + " need at least " + MemorySize.format(perTaskBytes)
                    + " per executor task for weights, gradients and activations"
                    + (b.slots() > 1 ? ", " + b.slots() + " tasks per executor" : "") + "; an executor has "
                    + MemorySize.format(b.executorBytes()) + " (", setting("executorMemory"), ")"));
        }
    }

    /**
     * Refuses more partitions than training samples: the extra partitions are empty, yet every
     * step still schedules a task for each (minutes before the first step, for nothing).
     */
    public static void checkPartitions(int partitions, long trainCount) {
        if (partitions < 1) {
            throw new BadInputException(SettingWords.of(setting("partitions"), " " + partitions + ": must be at least 1"));
        }
        if (partitions > trainCount) {
            throw new BadInputException(SettingWords.of(setting("partitions"), " " + partitions + ": more partitions than the "
                    + trainCount + " training samples; use at most " + trainCount));
        }
    }
}
