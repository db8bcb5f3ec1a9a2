package shallownet.ml;

import shallownet.train.AggregationTree;
import shallownet.train.TrainingListener;
import shallownet.train.EpochMetrics;
import shallownet.train.DivergenceGuard;
import shallownet.CommandFailure;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shallownet.data.FeatureBlock;
import shallownet.net.NetworkShape;
import shallownet.net.WeightInit;
import shallownet.train.LearningRateSchedule;
import shallownet.train.MemoryEstimate;
import shallownet.train.SparkBackend;
import shallownet.train.Trainer;
import shallownet.train.TrainingConfig;
import shallownet.BadInputException;
import shallownet.InvalidSettingException;

/**
 * The shallow network (inputs - hidden ReLU - softmax) as a Spark ML {@code Classifier}: fits on a
 * DataFrame of feature vectors (any size) and class-index labels (any number of classes, from the
 * label column's metadata or its largest value + 1, as Spark's classifiers do). Training is the
 * project's one loop, {@link Trainer} with {@link SparkBackend}: the rows become cached
 * {@link FeatureBlock}s and every step is one Spark job, exactly as in {@code train}. The
 * defaults are the notebook's recipe (64 hidden units, B=100, lr 0.05, 5 epochs, seed 1).
 */
public final class ShallowNetClassifier
        extends ProbabilisticClassifier<Vector, ShallowNetClassifier, ShallowNetClassificationModel>
        implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("shallownet");

    private final String uid;
    private final IntParam hiddenSize;
    private final IntParam batchSize;
    private final DoubleParam learningRate;
    private final IntParam epochs;
    private final LongParam seed;
    private final DoubleParam momentum;
    private final BooleanParam nesterov;
    private final Param<String> lrSchedule;
    private final DoubleParam lrDecay;
    private final IntParam lrStepEpochs;
    private final DoubleParam weightDecay;
    private final IntParam numPartitions;
    private final Param<String> treeDepth;
    private final Param<String> featureScaling;
    private final DoubleParam maxFeatureRms;
    private final DoubleParam maxLossFactor;

    public ShallowNetClassifier() {
        this(Identifiable.randomUID("shallowNetClassifier"));
    }

    public ShallowNetClassifier(String uid) {
        this(PendingUid.reserve(uid), (Void) null);
    }

    private ShallowNetClassifier(String uid, Void reserved) {
        super();
        this.uid = uid;
        PendingUid.release();
        hiddenSize = new IntParam(this, "hiddenSize", "number of hidden (ReLU) units (>= 1)", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "minibatch size (>= 1)", ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate",
                "learning rate, divided by the minibatch size as in the notebook's update (> 0)", ParamValidators.gt(0));
        epochs = new IntParam(this, "epochs", "passes over the training data (>= 0)", ParamValidators.gtEq(0));
        seed = new LongParam(this, "seed", "seed of the initial weights and of every epoch's shuffle");
        momentum = new DoubleParam(this, "momentum", "momentum in [0, 1); 0 is plain SGD",
                ParamValidators.inRange(0, 1, true, false));
        nesterov = new BooleanParam(this, "nesterov", "Nesterov momentum instead of classical (needs momentum > 0)");
        lrSchedule = new Param<>(this, "lrSchedule", "learning-rate schedule: constant, step, exponential or cosine",
                ParamValidators.inArray(new String[] {"constant", "step", "exponential", "cosine"}));
        lrDecay = new DoubleParam(this, "lrDecay", "factor of the step and exponential schedules, in (0, 1]",
                ParamValidators.inRange(0, 1, false, true));
        lrStepEpochs = new IntParam(this, "lrStepEpochs", "epochs between two decays of the step schedule (>= 1)",
                ParamValidators.gtEq(1));
        weightDecay = new DoubleParam(this, "weightDecay", "L2 weight decay on the weight matrices (>= 0)",
                ParamValidators.gtEq(0));
        numPartitions = new IntParam(this, "numPartitions",
                "partitions of the cached training data; 0 keeps the input's partitioning", ParamValidators.gtEq(0));
        setDefault(hiddenSize, TrainingConfig.DEFAULT_HIDDEN);
        setDefault(batchSize, TrainingConfig.DEFAULT_BATCH);
        setDefault(learningRate, TrainingConfig.DEFAULT_LR);
        setDefault(epochs, TrainingConfig.DEFAULT_EPOCHS);
        setDefault(seed, TrainingConfig.DEFAULT_SEED);
        setDefault(momentum, 0.0);
        setDefault(nesterov, false);
        setDefault(lrSchedule, "constant");
        setDefault(lrDecay, TrainingConfig.DEFAULT_LR_DECAY);
        setDefault(lrStepEpochs, TrainingConfig.DEFAULT_LR_STEP_EPOCHS);
        setDefault(weightDecay, 0.0);
        featureScaling = new Param<>(this, "featureScaling", "none: the features as given; minMax: each feature "
                + "mapped to [-1, 1] by its range on the training data, as the notebook maps 0..255 pixels, and the "
                + "mapping folded into the model's first layer (it scores the features as given)",
                ParamValidators.inArray(new String[] {"none", "minMax"}));
        maxFeatureRms = new DoubleParam(this, "maxFeatureRms", "with featureScaling none, features whose root "
                + "mean square (over all rows and features) is above this are refused: SGD at this recipe's rates "
                + "learns nothing useful from them (> 0)", ParamValidators.gt(0));
        maxLossFactor = new DoubleParam(this, "maxLossFactor", "divergence guard: fit fails when a minibatch loss "
                + "is not finite or above this many times the initial training loss (> 1)", ParamValidators.gt(1));
        treeDepth = new Param<>(this, "treeDepth", "depth of the tree that merges a step's partials (one per "
                + "executor): 1 merges them on the driver, 2 and 3 add shuffle levels; auto: 1 up to "
                + AggregationTree.AUTO_CROSSOVER_TASKS + " executors, else 2 (the weights are the same at every depth); "
                + "when not set, the context's " + AggregationTree.CONF_KEY + ", else auto",
                ParamValidators.inArray(new String[] {"auto", "1", "2", "3"}));
        setDefault(numPartitions, 0);
        setDefault(treeDepth, "auto");
        setDefault(featureScaling, "none");
        setDefault(maxFeatureRms, DEFAULT_MAX_FEATURE_RMS);
        setDefault(maxLossFactor, 10.0);
    }

    /**
     * Features of a larger scale are refused unless mapped: measured before this check on 20,000
     * MNIST rows, 2 epochs, default params, raw 0..255 pixels gave 11-12 % test accuracy, no better
     * than guessing, and pixels in the hundreds of thousands a NaN model; notebook-scaled pixels
     * 90.7 % (ShallowNetClassifierAnyDataIT). The scale is the root mean square over all rows and
     * features, not the largest value, which a standardized feature that is rarely non-zero can
     * make large: measured on those rows, raw pixels 85.7, notebook-scaled 0.96, StandardScaler's
     * output (mean and standard deviation) 0.94.
     */
    static final double DEFAULT_MAX_FEATURE_RMS = 10.0;

    public Param<String> featureScaling() {
        return featureScaling;
    }

    public DoubleParam maxFeatureRms() {
        return maxFeatureRms;
    }

    public DoubleParam maxLossFactor() {
        return maxLossFactor;
    }

    public String getFeatureScaling() {
        return $(featureScaling);
    }

    public double getMaxFeatureRms() {
        return (Double) $(maxFeatureRms);
    }

    public double getMaxLossFactor() {
        return (Double) $(maxLossFactor);
    }

    public ShallowNetClassifier setFeatureScaling(String value) {
        set(featureScaling, value);
        return this;
    }

    public ShallowNetClassifier setMaxFeatureRms(double value) {
        set(maxFeatureRms, value);
        return this;
    }

    public ShallowNetClassifier setMaxLossFactor(double value) {
        set(maxLossFactor, value);
        return this;
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.current();
    }

    // Params: Spark finds them through these public no-argument getters.

    public IntParam hiddenSize() {
        return hiddenSize;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public IntParam epochs() {
        return epochs;
    }

    public LongParam seed() {
        return seed;
    }

    public DoubleParam momentum() {
        return momentum;
    }

    public BooleanParam nesterov() {
        return nesterov;
    }

    public Param<String> lrSchedule() {
        return lrSchedule;
    }

    public DoubleParam lrDecay() {
        return lrDecay;
    }

    public IntParam lrStepEpochs() {
        return lrStepEpochs;
    }

    public DoubleParam weightDecay() {
        return weightDecay;
    }

    public IntParam numPartitions() {
        return numPartitions;
    }

    public int getHiddenSize() {
        return (Integer) $(hiddenSize);
    }

    public int getBatchSize() {
        return (Integer) $(batchSize);
    }

    public double getLearningRate() {
        return (Double) $(learningRate);
    }

    public int getEpochs() {
        return (Integer) $(epochs);
    }

    public long getSeed() {
        return (Long) $(seed);
    }

    public double getMomentum() {
        return (Double) $(momentum);
    }

    public boolean getNesterov() {
        return (Boolean) $(nesterov);
    }

    public String getLrSchedule() {
        return $(lrSchedule);
    }

    public double getLrDecay() {
        return (Double) $(lrDecay);
    }

    public int getLrStepEpochs() {
        return (Integer) $(lrStepEpochs);
    }

    public double getWeightDecay() {
        return (Double) $(weightDecay);
    }

    public int getNumPartitions() {
        return (Integer) $(numPartitions);
    }

    public Param<String> treeDepth() {
        return treeDepth;
    }

    public String getTreeDepth() {
        return $(treeDepth);
    }

    public ShallowNetClassifier setTreeDepth(String value) {
        set(treeDepth, value);
        return this;
    }

    public ShallowNetClassifier setHiddenSize(int value) {
        set(hiddenSize, value);
        return this;
    }

    public ShallowNetClassifier setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public ShallowNetClassifier setLearningRate(double value) {
        set(learningRate, value);
        return this;
    }

    public ShallowNetClassifier setEpochs(int value) {
        set(epochs, value);
        return this;
    }

    public ShallowNetClassifier setSeed(long value) {
        set(seed, value);
        return this;
    }

    public ShallowNetClassifier setMomentum(double value) {
        set(momentum, value);
        return this;
    }

    public ShallowNetClassifier setNesterov(boolean value) {
        set(nesterov, value);
        return this;
    }

    public ShallowNetClassifier setLrSchedule(String value) {
        set(lrSchedule, value);
        return this;
    }

    public ShallowNetClassifier setLrDecay(double value) {
        set(lrDecay, value);
        return this;
    }

    public ShallowNetClassifier setLrStepEpochs(int value) {
        set(lrStepEpochs, value);
        return this;
    }

    public ShallowNetClassifier setWeightDecay(double value) {
        set(weightDecay, value);
        return this;
    }

    public ShallowNetClassifier setNumPartitions(int value) {
        set(numPartitions, value);
        return this;
    }

    /** The recipe for {@code classes} output classes; the optimiser's own checks apply. */
    TrainingConfig trainingConfig(int classes) {
        try {
            TrainingConfig.Optimizer optimizer = new TrainingConfig.Optimizer(getMomentum(), getNesterov(),
                    LearningRateSchedule.parse(getLrSchedule()), getLrDecay(), getLrStepEpochs(), getWeightDecay());
            // evalEvery 0: the loss and error on the training data only before and after training.
            return new TrainingConfig(getHiddenSize(), getBatchSize(), getLearningRate(), getEpochs(), getSeed(), false,
                    0, classes, optimizer, 0, 0);
        } catch (InvalidSettingException e) {
            // The core's names of the settings, as this estimator's params are called.
            throw new IllegalArgumentException(e.message(s -> PARAM_NAMES.getOrDefault(s, s)), e);
        }
    }

    /** Spark's configuration key of a core setting: {@code driverMemory} is {@code spark.driver.memory}. */
    static String sparkKey(String setting) {
        return "spark." + String.join(".", shallownet.SettingWords.words(setting));
    }

    /** The params whose name is not the core's: the core's names where they differ; any other is the param's. */
    static final java.util.Map<String, String> PARAM_NAMES = java.util.Map.of("hidden", "hiddenSize",
            "decay", "lrDecay", "stepEpochs", "lrStepEpochs", "schedule", "lrSchedule");

    @Override
    public ShallowNetClassificationModel train(Dataset<?> dataset) {
        // Spark's rule: the label column's metadata, else the largest label + 1 (at most 256 here).
        int classes = getNumClasses(dataset, 256);
        if (classes < 2) {
            throw new IllegalArgumentException("label column '" + getLabelCol() + "' holds a single class ("
                    + (classes - 1) + "); a classifier needs at least 2");
        }
        TrainingConfig config = trainingConfig(classes);
        Dataset<Row> rows = dataset.select(dataset.col(getFeaturesCol()),
                dataset.col(getLabelCol()).cast(DataTypes.DoubleType));
        int inputs = numFeatures(dataset, rows);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        // Before caching the data: a network that cannot fit fails now, with the estimate (the
        // sample count is not known yet; 0 counts no minibatch, a lower bound still).
        org.apache.spark.SparkConf conf = sc.getConf();
        try {
            MemoryEstimate.of(inputs, config.hidden(), classes, config, 0).check(MemoryEstimate.Budget.of(sc.master(),
                    conf.get("spark.executor.memory", null), conf.get("spark.executor.cores", null),
                    Runtime.getRuntime().maxMemory()), "hiddenSize " + config.hidden());
        } catch (BadInputException e) {
            // The memory the estimate names, as a Spark ML user sets it: Spark's configuration keys.
            throw new BadInputException(e.message(ShallowNetClassifier::sparkKey), e);
        }
        FeatureBlocks.MinMax scaling = "minMax".equals(getFeatureScaling()) ? FeatureBlocks.MinMax.of(rows, inputs) : null;
        FeatureBlocks.Cached blocks = cacheRefusingNonFinite(rows, inputs, classes, scaling);
        try {
            if (scaling == null && blocks.rms() > getMaxFeatureRms()) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "features in column '%s' have "
                        + "a root mean square of %.4g (largest magnitude %.4g), above maxFeatureRms %s: SGD on them "
                        + "learns nothing useful; scale them to about [-1, 1] (e.g. MinMaxScaler with min -1 and max 1, "
                        + "or StandardScaler), or set featureScaling to minMax", getFeaturesCol(), blocks.rms(),
                        blocks.maxAbs(), getMaxFeatureRms()));
            }
            NetworkShape shape = new NetworkShape(inputs, config.hidden(), classes);
            JavaRDD<FeatureBlock> noTestSet = sc.emptyRDD();
            DivergenceGuard guard = new DivergenceGuard(getMaxLossFactor()).withoutTestSet();
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onStep(StepProgress step) {
                    guard.onStep(step);
                }

                @Override
                public void onEpoch(EpochMetrics m) {
                    LOG.info("{}: epoch {} training loss {} error {} % ({} samples, {})", uid, m.epoch(),
                            String.format("%.6f", m.trainLoss()), String.format("%.3f", m.trainErrorPct()),
                            blocks.count(), shape);
                    guard.onEpoch(m);
                }
            };
            SparkBackend backend = new SparkBackend(sc, shape, blocks.rdd(), blocks.count(), noTestSet)
                    .maxAbsInput(blocks.maxAbs());
            if (isSet(treeDepth)) {
                // The param, when set, over the context's spark.shallownet.treeDepth (the backend's default).
                backend.treeDepth(AggregationTree.parse(getTreeDepth()));
            }
            Trainer trainer = new Trainer(config, shape, backend, listener);
            Trainer.Result result;
            try {
                result = trainer.train(WeightInit.initShallow(shape, config.seed()));
            } catch (CommandFailure e) {
                // Divergence, a gradient out of range: in this estimator's params' names.
                throw new IllegalStateException(e.message(s -> PARAM_NAMES.getOrDefault(s, s)), e);
            }
            float[] params = scaling == null ? result.params() : scaling.foldInto(shape, result.params());
            return new ShallowNetClassificationModel(uid, shape, params,
                    new ShallowNetClassificationModel.TrainingSummary(result.last().trainLoss(),
                            result.last().trainErrorPct(), blocks.count(), result.seconds()));
        } finally {
            blocks.rdd().unpersist(false);
        }
    }

    /** The rows as cached blocks; a non-finite feature fails the caching job, reported here as its own message. */
    private FeatureBlocks.Cached cacheRefusingNonFinite(Dataset<Row> rows, int inputs, int classes,
                                                        FeatureBlocks.MinMax scaling) {
        try {
            return FeatureBlocks.cache(rows, inputs, classes, getNumPartitions(), "ShallowNetClassifier " + uid
                    + " training data", getFeaturesCol(), scaling);
        } catch (Exception e) { // Spark's SparkException is checked in Java's eyes, and thrown all the same
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException && t.getMessage() != null
                        && (t.getMessage().startsWith("column '") || t.getMessage().startsWith("row "))) {
                    throw new IllegalArgumentException(t.getMessage(), e);
                }
            }
            throw ShallowNetClassifier.<RuntimeException>rethrow(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T rethrow(Throwable e) throws T {
        throw (T) e;
    }

    /** Input size: the feature column's metadata if it says, else the first row's vector. */
    private int numFeatures(Dataset<?> dataset, Dataset<Row> rows) {
        int size = AttributeGroup.fromStructField(dataset.schema().apply(getFeaturesCol())).size();
        if (size > 0) {
            return size;
        }
        List<Row> first = rows.limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("ShallowNetClassifier was given an empty dataset");
        }
        return ((Vector) first.get(0).get(0)).size();
    }

    @Override
    public ShallowNetClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ShallowNetClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static ShallowNetClassifier load(String path) {
        return read().load(path);
    }
}
