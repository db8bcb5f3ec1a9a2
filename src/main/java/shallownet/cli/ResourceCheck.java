package shallownet.cli;

import org.apache.spark.SparkConf;
import shallownet.idx.LabeledIdxFiles;
import shallownet.net.NetworkShape;
import shallownet.train.MemoryEstimate;
import shallownet.train.TrainingConfig;

/**
 * The up-front check of {@code train} and {@code retrain}: before weights are allocated or data
 * loaded, a network, minibatch or partition count that cannot fit is exit 2 with the estimate
 * ({@link MemoryEstimate}), rather than an {@code OutOfMemoryError} minutes later.
 */
final class ResourceCheck {

    private ResourceCheck() {
    }

    /**
     * @param start the starting model's shape when it settles the hidden size (train's
     *              {@code --init-model}), else null: {@code --hidden} or its default
     */
    static void before(SparkOptions spark, RecipeOptions recipe, boolean fullBatch, LabeledIdxFiles train,
                       NetworkShape start) {
        int hidden = recipe.hidden != null ? recipe.hidden : start != null ? start.hidden() : TrainingConfig.DEFAULT_HIDDEN;
        TrainingConfig config = recipe.recipe(hidden, fullBatch);
        if (spark.partitions != null) {
            MemoryEstimate.checkPartitions(spark.partitions, train.count());
        }
        SparkConf conf = spark.conf();
        MemoryEstimate.Budget budget = MemoryEstimate.Budget.of(conf.get("spark.master", null),
                conf.get("spark.executor.memory", null), conf.get("spark.executor.cores", null),
                Runtime.getRuntime().maxMemory());
        String subject = recipe.hidden != null ? "--hidden " + hidden
                : start != null ? "the starting model's " + start.hidden() + " hidden units" : "--hidden " + hidden;
        MemoryEstimate.of(train.pixelsPerImage(), hidden, recipe.classes, config, train.count()).check(budget, subject);
    }
}
