package shallownet.data;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The driver's Hadoop configuration (with every {@code spark.hadoop.*} setting) carried into the
 * tasks, so executors open files with the same credentials and file-system settings.
 *
 * <p>Broadcast it ({@link #broadcast}) rather than capture it in a closure: a cached RDD's lineage
 * travels with every job that reads it, and a captured configuration (about 380 properties, 35 KB)
 * would be written into every training step's task binary and parsed again by every task.
 * Serializable both ways, since a broadcast goes through {@code spark.serializer} (Kryo here),
 * which would otherwise skip the transient configuration.
 */
public final class SerializableHadoopConf implements Serializable, KryoSerializable {

    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    public SerializableHadoopConf(Configuration conf) {
        this.conf = conf;
    }

    public Configuration get() {
        return conf;
    }

    /** The driver's Hadoop configuration, shipped once to each executor for the whole run. */
    public static Broadcast<SerializableHadoopConf> broadcast(JavaSparkContext sc) {
        return sc.broadcast(new SerializableHadoopConf(sc.hadoopConfiguration()));
    }

    @Override
    public void write(Kryo kryo, Output output) {
        try {
            DataOutputStream out = new DataOutputStream(output);
            conf.write(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void read(Kryo kryo, Input input) {
        try {
            conf = new Configuration(false);
            conf.readFields(new DataInputStream(input));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
