package shallownet.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import shallownet.ShallownetVersion;
import shallownet.net.NetworkShape;
import shallownet.onnx.proto.Onnx.AttributeProto;
import shallownet.onnx.proto.Onnx.GraphProto;
import shallownet.onnx.proto.Onnx.ModelProto;
import shallownet.onnx.proto.Onnx.NodeProto;
import shallownet.onnx.proto.Onnx.OperatorSetIdProto;
import shallownet.onnx.proto.Onnx.StringStringEntryProto;
import shallownet.onnx.proto.Onnx.TensorProto;
import shallownet.onnx.proto.Onnx.TensorShapeProto;
import shallownet.onnx.proto.Onnx.TypeProto;
import shallownet.onnx.proto.Onnx.ValueInfoProto;

/**
 * The shallow network as an ONNX model (opset 13), through the classes protoc generates from
 * ONNX's own {@code onnx.proto}. The graph computes what {@code NetworkKernel} computes:
 *
 * <pre>
 * x             = -1 + 2 * pixels / 255        (PIXELS only: Mul, Div, Add, the kernel's float32 steps)
 * logits        = relu(x W1^T + b1) W2^T + b2   (Gemm, Relu, Gemm; W row-major as in weights.bin)
 * probabilities = softmax(logits)               (Softmax, axis 1)
 * label         = argmax(logits)                (ArgMax, axis 1, the first of equal maxima, int64)
 * </pre>
 *
 * The batch dimension is dynamic ({@code N}). No Spark, no files: bytes in, bytes out.
 */
public final class OnnxExport {

    /** ONNX's operator set the graph is written for: Gemm, Relu, Softmax, ArgMax, Mul, Div, Add. */
    public static final int OPSET = 13;
    /** IR version 7 is the first that opset 13 may be used with; every runtime since ONNX 1.7 reads it. */
    public static final long IR_VERSION = 7;
    public static final String PRODUCER = "shallownet";
    public static final String PROBABILITIES = "probabilities";
    public static final String LABEL = "label";

    /** What the graph's input holds. */
    public enum Input {
        /** Raw pixel values 0..255 as float32; the graph scales them as training did. */
        PIXELS("pixels", "raw pixel values 0..255 of each image, row by row (the graph scales them to -1..1)"),
        /** Features as the model was trained on them (the Spark ML model): no scaling. */
        FEATURES("features", "the features as the model was trained on them (no scaling)");

        private final String tensorName;
        private final String doc;

        Input(String tensorName, String doc) {
            this.tensorName = tensorName;
            this.doc = doc;
        }

        public String tensorName() {
            return tensorName;
        }
    }

    private OnnxExport() {
    }

    /**
     * The serialized ONNX model of {@code params} (the flat layout of {@link NetworkShape}), with
     * {@code producerVersion} and {@code metadata} as the model's metadata properties.
     */
    public static byte[] toBytes(NetworkShape shape, float[] params, Input input, String producerVersion,
                                 Map<String, String> metadata) {
        return model(shape, params, input, producerVersion, metadata).toByteArray();
    }

    /**
     * A model directory's network ({@code model.json} is {@code modelJson}) as ONNX on raw pixels,
     * with the metadata of {@link OnnxMetadata#fromModelJson} and this shallownet's version.
     */
    public static byte[] ofModelJson(NetworkShape shape, float[] params, JsonNode modelJson) {
        return toBytes(shape, params, Input.PIXELS, ShallownetVersion.get(), OnnxMetadata.fromModelJson(modelJson));
    }

    static ModelProto model(NetworkShape shape, float[] params, Input input, String producerVersion,
                            Map<String, String> metadata) {
        if (params.length != shape.parameterCount()) {
            throw new IllegalArgumentException("a " + shape + " network has " + shape.parameterCount()
                    + " parameters, got " + params.length);
        }
        int ni = shape.inputs();
        int nh = shape.hidden();
        int no = shape.outputs();
        GraphProto.Builder g = GraphProto.newBuilder().setName("shallownet_" + ni + "_" + nh + "_" + no)
                .setDocString("shallownet " + shape + ": " + input.doc + " -> Gemm, Relu, Gemm -> softmax "
                        + "probabilities and the label of the largest logit");
        g.addInitializer(floats("W1", new long[] {nh, ni}, params, shape.w1Offset(), nh * ni));
        g.addInitializer(floats("b1", new long[] {nh}, params, shape.b1Offset(), nh));
        g.addInitializer(floats("W2", new long[] {no, nh}, params, shape.w2Offset(), no * nh));
        g.addInitializer(floats("b2", new long[] {no}, params, shape.b2Offset(), no));
        String x = input.tensorName;
        if (input == Input.PIXELS) {
            // The kernel's table, -1f + (2f * v) / 255f, step by step in float32: the same bits.
            g.addInitializer(scalar("two", 2f));
            g.addInitializer(scalar("two_hundred_fifty_five", 255f));
            g.addInitializer(scalar("minus_one", -1f));
            g.addNode(node("Mul", "scale_mul", new String[] {x, "two"}, "pixels_x2"));
            g.addNode(node("Div", "scale_div", new String[] {"pixels_x2", "two_hundred_fifty_five"}, "pixels_x2_255"));
            g.addNode(node("Add", "scale_add", new String[] {"pixels_x2_255", "minus_one"}, "x"));
            x = "x";
        }
        g.addNode(node("Gemm", "hidden_gemm", new String[] {x, "W1", "b1"}, "a1").addAttribute(intAttr("transB", 1)));
        g.addNode(node("Relu", "hidden_relu", new String[] {"a1"}, "h1"));
        g.addNode(node("Gemm", "output_gemm", new String[] {"h1", "W2", "b2"}, "logits")
                .addAttribute(intAttr("transB", 1)));
        g.addNode(node("Softmax", "softmax", new String[] {"logits"}, PROBABILITIES).addAttribute(intAttr("axis", 1)));
        g.addNode(node("ArgMax", "argmax", new String[] {"logits"}, LABEL).addAttribute(intAttr("axis", 1))
                .addAttribute(intAttr("keepdims", 0)));
        g.addInput(value(input.tensorName, TensorProto.DataType.FLOAT, input.doc, ni));
        g.addOutput(value(PROBABILITIES, TensorProto.DataType.FLOAT, "softmax output, one row per image", no));
        g.addOutput(value(LABEL, TensorProto.DataType.INT64, "the most probable class of each image", -1));

        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName(PRODUCER)
                .setProducerVersion(producerVersion).setDomain("dev.shallownet").setModelVersion(1)
                .setDocString("shallownet: a " + shape + " network (ReLU hidden layer, softmax output)")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g);
        metadata.forEach((k, v) -> m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    private static TensorProto floats(String name, long[] dims, float[] params, int offset, int count) {
        ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN); // raw_data is little-endian
        b.asFloatBuffer().put(params, offset, count);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static TensorProto scalar(String name, float value) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addFloatData(value).build();
    }

    private static NodeProto.Builder node(String op, String name, String[] inputs, String output) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        return n;
    }

    private static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A tensor [N] ({@code width} below 0) or [N, width] with the batch dimension N dynamic. */
    private static ValueInfoProto value(String name, TensorProto.DataType type, String doc, int width) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        if (width >= 0) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width));
        }
        TypeProto t = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(type.getNumber()).setShape(s)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(t).setDocString(doc).build();
    }
}
