package shallownet.ml;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import shallownet.AtomicFile;
import shallownet.BadInputException;
import shallownet.ShallownetVersion;
import shallownet.model.ModelFiles;
import shallownet.model.WeightsEncoding;
import shallownet.net.NetworkKernel;
import shallownet.net.NetworkShape;
import shallownet.onnx.OnnxExport;

/**
 * A trained shallow network as a Spark ML {@code ProbabilisticClassificationModel}: raw
 * predictions are the output layer's logits, probabilities their softmax, the prediction the most
 * probable class. Saved as Spark ML models are: the params as {@code metadata/} JSON, and the
 * shape and the parameters (in {@link WeightsEncoding}, the flat layout of {@link NetworkShape})
 * as one Parquet row under {@code data/}.
 */
public final class ShallowNetClassificationModel
        extends ProbabilisticClassificationModel<Vector, ShallowNetClassificationModel> implements MLWritable {

    private static final long serialVersionUID = 1L;

    /** Training loss (the notebook's {@code eval_loss}) and % error on the training data at the end. */
    public record TrainingSummary(double trainLoss, double trainErrorPct, int samples, double seconds)
            implements java.io.Serializable {
    }

    private final String uid;
    private final NetworkShape shape;
    private final float[] params;
    private final transient TrainingSummary summary;

    ShallowNetClassificationModel(String uid, NetworkShape shape, float[] params, TrainingSummary summary) {
        this(PendingUid.reserve(uid), shape, params, summary, (Void) null);
    }

    private ShallowNetClassificationModel(String uid, NetworkShape shape, float[] params, TrainingSummary summary,
                                          Void reserved) {
        super();
        this.uid = uid;
        PendingUid.release();
        if (params.length != shape.parameterCount()) {
            throw new IllegalArgumentException("a " + shape + " network has " + shape.parameterCount()
                    + " parameters, got " + params.length);
        }
        this.shape = shape;
        this.params = params;
        this.summary = summary;
    }

    /** A model from given parameters (e.g. a model of the command line's {@code ModelFiles}). */
    public static ShallowNetClassificationModel of(NetworkShape shape, float[] params) {
        return new ShallowNetClassificationModel(Identifiable.randomUID("shallowNetClassificationModel"), shape,
                params.clone(), null);
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.current();
    }

    @Override
    public int numClasses() {
        return shape.outputs();
    }

    @Override
    public int numFeatures() {
        return shape.inputs();
    }

    public NetworkShape shape() {
        return shape;
    }

    /** A copy of the parameters in the flat layout of {@link NetworkShape} (that of {@code weights.bin}). */
    public float[] parameters() {
        return params.clone();
    }

    /** Figures of the training run; null for a loaded or copied-in model. */
    public TrainingSummary summary() {
        return summary;
    }

    /**
     * This model as ONNX: input {@code features} float32 [N, numFeatures] as the model was trained
     * on them (no scaling), outputs {@code probabilities} float32 [N, numClasses] and {@code label}
     * int64 [N], the prediction as an integer.
     */
    public byte[] toOnnx() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("spark_ml_uid", uid());
        if (summary != null) {
            meta.put("train_error_pct", Double.toString(summary.trainErrorPct()));
            meta.put("train_samples", Integer.toString(summary.samples()));
        }
        return OnnxExport.toBytes(shape, params, OnnxExport.Input.FEATURES, ShallownetVersion.get(), meta);
    }

    /**
     * Writes {@link #toOnnx()} to {@code path} (any Hadoop file system, with the active Spark
     * session's Hadoop configuration), whole or not at all.
     */
    public void writeOnnx(String path) throws IOException {
        AtomicFile.write(SparkSession.active().sparkContext().hadoopConfiguration(), path, toOnnx());
    }

    @Override
    public Vector predictRaw(Vector features) {
        if (features.size() != shape.inputs()) {
            throw new IllegalArgumentException("feature vector of size " + features.size() + ", the model takes "
                    + shape.inputs());
        }
        float[] x = new float[shape.inputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) features.apply(i);
        }
        float[] logits = new float[shape.outputs()];
        NetworkKernel.forThread(shape).logits(params, x, 0, 1, logits, 0);
        double[] raw = new double[logits.length];
        for (int o = 0; o < raw.length; o++) {
            raw[o] = logits[o];
        }
        return Vectors.dense(raw);
    }

    /** Softmax of the logits, shifted by their maximum so that it cannot overflow. */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        if (!(rawPrediction instanceof DenseVector dense)) {
            throw new IllegalArgumentException("raw predictions are dense vectors, got " + rawPrediction.getClass());
        }
        double[] v = dense.values();
        double max = Double.NEGATIVE_INFINITY;
        for (double a : v) {
            max = Math.max(max, a);
        }
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= sum;
        }
        return dense;
    }

    /**
     * Spark's own (for training summaries, which this model has none of). Declared here only because
     * Java sees the two inherited Scala signatures, covariant in Scala, as a clash.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public ShallowNetClassificationModel copy(ParamMap extra) {
        ShallowNetClassificationModel copy = new ShallowNetClassificationModel(uid, shape, params, summary);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    public static MLReader<ShallowNetClassificationModel> read() {
        return new Reader();
    }

    public static ShallowNetClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "ShallowNetClassificationModel: uid=" + uid + ", network=" + shape;
    }

    /**
     * The Parquet row. Version 2: the weights as one binary value in their one encoding
     * ({@link WeightsEncoding}, as in {@code weights.bin}); version 1 (earlier releases, still
     * read): an array of floats named {@code params}, and no version column.
     */
    private static final int DATA_VERSION = 2;
    private static final StructType DATA_SCHEMA = new StructType()
            .add("format_version", DataTypes.IntegerType, false)
            .add("inputs", DataTypes.IntegerType, false)
            .add("hidden", DataTypes.IntegerType, false)
            .add("outputs", DataTypes.IntegerType, false)
            .add("weights", DataTypes.BinaryType, false);

    private static final class Writer extends MLWriter {
        private final ShallowNetClassificationModel model;

        Writer(ShallowNetClassificationModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession());
            NetworkShape s = model.shape;
            Row row = RowFactory.create(DATA_VERSION, s.inputs(), s.hidden(), s.outputs(),
                    WeightsEncoding.encode(model.params));
            sparkSession().createDataFrame(List.of(row), DATA_SCHEMA).repartition(1).write()
                    .parquet(new org.apache.hadoop.fs.Path(path, "data").toString());
        }
    }

    private static final class Reader extends MLReader<ShallowNetClassificationModel> {
        @Override
        public ShallowNetClassificationModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sparkSession(),
                    ShallowNetClassificationModel.class.getName());
            String data = new org.apache.hadoop.fs.Path(path, "data").toString();
            org.apache.spark.sql.Dataset<Row> rows = sparkSession().read().parquet(data);
            boolean v1 = !List.of(rows.columns()).contains("format_version");
            Row row = v1 ? rows.select("inputs", "hidden", "outputs", "params").head()
                    : rows.select("format_version", "inputs", "hidden", "outputs", "weights").head();
            int version = v1 ? 1 : row.getInt(0);
            int at = v1 ? 0 : 1;
            NetworkShape shape = new NetworkShape(row.getInt(at), row.getInt(at + 1), row.getInt(at + 2));
            float[] params = switch (version) {
                case 1 -> {
                    List<Float> values = row.getList(3);
                    float[] p = new float[values.size()];
                    for (int i = 0; i < p.length; i++) {
                        p[i] = values.get(i);
                    }
                    yield p;
                }
                case DATA_VERSION -> WeightsEncoding.decode((byte[]) row.get(4));
                default -> throw BadInputException.about(data, "model data format version " + version
                        + " was written by a newer shallownet; this one reads versions 1 to " + DATA_VERSION);
            };
            if (params.length != shape.parameterCount()) {
                throw BadInputException.about(data, "holds " + params.length + " weights, but a " + shape
                        + " network has " + shape.parameterCount());
            }
            ModelFiles.checkFinite(new org.apache.hadoop.fs.Path(data), shape, params);
            ShallowNetClassificationModel model = new ShallowNetClassificationModel(metadata.uid(), shape, params, null);
            metadata.getAndSetParams(model, Option.empty());
            return model;
        }
    }
}
