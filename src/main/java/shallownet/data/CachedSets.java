package shallownet.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import shallownet.idx.LabeledIdxFiles;

/**
 * The training and test sets, read into cached blocks now (so that loading is timed apart from
 * training), and what Spark holds of them.
 */
public record CachedSets(JavaRDD<SampleBlock> train, JavaRDD<SampleBlock> test, CacheReport cache) {

    public static CachedSets load(JavaSparkContext sc, LabeledIdxFiles trainFiles, LabeledIdxFiles testFiles,
                                  int partitions) {
        sc.setJobDescription("load and cache the training and test sets");
        JavaRDD<SampleBlock> train = BlockRdds.load(sc, trainFiles, partitions, "training set");
        JavaRDD<SampleBlock> test = BlockRdds.load(sc, testFiles, partitions, "test set");
        train.count();
        test.count();
        return new CachedSets(train, test, CacheReport.of(sc, blockBytes(trainFiles) + blockBytes(testFiles),
                List.of(train, test)));
    }

    /** The bytes of a set's blocks: one byte per pixel and one label byte per sample. */
    static long blockBytes(LabeledIdxFiles f) {
        return (long) f.count() * (f.pixelsPerImage() + 1);
    }
}
