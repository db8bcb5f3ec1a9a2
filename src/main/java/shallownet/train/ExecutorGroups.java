package shallownet.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Groups a cached RDD's partitions by the executor that holds them: one group, so one task, per
 * executor, placed on that executor. Spark's own {@code coalesce} balances groups by count and
 * only prefers locations, so two executors' partitions can share a group; here a group is exactly
 * an executor's cache. Partitions cached nowhere (not yet cached, or evicted) are dealt out in turn
 * over the groups; with no location at all the partitions make {@code fallback} groups in turn.
 */
final class ExecutorGroups implements PartitionCoalescer, Serializable {
    private static final long serialVersionUID = 1L;

    /** The executor holding each partition (null: none). */
    private final String[] executors;
    private final int fallback;

    private ExecutorGroups(String[] executors, int fallback) {
        this.executors = executors;
        this.fallback = fallback;
    }

    /**
     * {@code grouped}'s partitions (one per partition of {@code cached}, e.g. its {@code glom})
     * in one partition per executor that holds {@code cached}'s blocks now (the first holder of a
     * replicated block).
     */
    static <T> JavaRDD<T> of(JavaRDD<?> cached, JavaRDD<T> grouped, int fallback) {
        RDD<?> c = cached.rdd();
        String[] executors = new String[c.getNumPartitions()];
        // The block manager's own record: the scheduler's getPreferredLocs keeps the cache locations
        // it saw when the caching job started (none) until the next job is submitted.
        org.apache.spark.storage.BlockManagerMaster master = org.apache.spark.SparkEnv.get().blockManager().master();
        // Only live executors: the block manager may still list a lost one's blocks for a moment.
        java.util.Set<String> live = new java.util.HashSet<>(
                scala.jdk.javaapi.CollectionConverters.asJava(c.context().getExecutorIds()));
        for (int i = 0; i < executors.length; i++) {
            Seq<org.apache.spark.storage.BlockManagerId> holders =
                    master.getLocations(new org.apache.spark.storage.RDDBlockId(c.id(), i));
            for (int k = 0; k < holders.length() && executors[i] == null; k++) {
                org.apache.spark.storage.BlockManagerId b = holders.apply(k);
                if (live.contains(b.executorId())) {
                    // As the scheduler reads an executor's location: executor_HOST_ID.
                    executors[i] = "executor_" + b.host() + "_" + b.executorId();
                }
            }
        }
        RDD<T> r = grouped.rdd();
        @SuppressWarnings("unchecked")
        ClassTag<T> tag = (ClassTag<T>) ClassTag$.MODULE$.AnyRef();
        RDD<T> coalesced = r.coalesce(r.getNumPartitions(), false,
                Option.apply(new ExecutorGroups(executors, Math.max(1, fallback))), null);
        return new JavaRDD<>(coalesced, tag);
    }

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
        Partition[] partitions = parent.partitions();
        Map<String, PartitionGroup> byExecutor = new LinkedHashMap<>();
        List<Partition> nowhere = new ArrayList<>();
        for (Partition p : partitions) {
            String executor = p.index() < executors.length ? executors[p.index()] : null;
            if (executor == null) {
                nowhere.add(p);
            } else {
                byExecutor.computeIfAbsent(executor, e -> new PartitionGroup(Option.apply(e))).partitions().addOne(p);
            }
        }
        List<PartitionGroup> groups = new ArrayList<>(byExecutor.values());
        if (groups.isEmpty()) {
            for (int g = 0; g < Math.min(fallback, nowhere.size()); g++) {
                groups.add(new PartitionGroup(Option.empty()));
            }
        }
        for (int i = 0; i < nowhere.size(); i++) {
            groups.get(i % groups.size()).partitions().addOne(nowhere.get(i));
        }
        return groups.toArray(new PartitionGroup[0]);
    }
}
