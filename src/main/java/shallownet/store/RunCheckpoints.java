package shallownet.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.CommandFailure;
import shallownet.SettingWords;
import static shallownet.SettingWords.setting;
import shallownet.model.ModelFiles;
import shallownet.model.WeightsEncoding;
import shallownet.train.EpochMetrics;
import shallownet.train.EpochMetricsJson;
import shallownet.train.TrainingState;

import static shallownet.train.EpochMetricsJson.num;

/**
 * The checkpoints of one run, {@code STORE/runs/RUN_ID/checkpoints/step-NNNNNNNN/}: {@code state.bin}
 * (parameters, velocity, early-stopping best parameters, one after another in the weights' one
 * encoding, {@link WeightsEncoding}) and
 * {@code state.json} (position, early-stopping state, metrics so far, array lengths and the
 * SHA-256 of {@code state.bin}). Each is written into a hidden staging directory and renamed into
 * place, and a checkpoint is used only if its JSON parses and {@code state.bin} matches its
 * SHA-256, so a checkpoint half-written by a killed process (or half-copied by an object store's
 * rename) is skipped in favour of the previous one. The last {@link #KEEP} are kept.
 */
public final class RunCheckpoints {

    public static final int KEEP = 2;
    /**
     * 2: each epoch of the history is a named object ({@link EpochMetricsJson}, every field of
     * {@link EpochMetrics}) and the run's clocks are kept; 1 (still read): 9 positional numbers.
     */
    static final int FORMAT_VERSION = 2;
    static final String DIR = "checkpoints";
    static final String STATE_JSON = "state.json";
    static final String STATE_BIN = "state.bin";

    private final FileSystem fs;
    private final Path runDir;
    private final Path dir;
    private final String keySha256;

    RunCheckpoints(FileSystem fs, Path runDir, String key) {
        this.fs = fs;
        this.runDir = runDir;
        this.dir = new Path(runDir, DIR);
        this.keySha256 = ModelFiles.sha256(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Path dir() {
        return dir;
    }

    static String name(long step) {
        return String.format("step-%08d", step);
    }

    /**
     * Writes the checkpoint of {@code s}; a write that fails (a full disk) is one
     * {@link CommandFailure} naming the checkpoint, and leaves no staging directory.
     */
    public void write(TrainingState s) throws IOException {
        try {
            writeChecked(s);
        } catch (IOException | FSError e) {
            throw new CommandFailure(new Path(dir, name(s.stepsDone())) + ": cannot write the checkpoint ("
                    + CommandFailure.rootMessage(e) + ")", e);
        }
    }

    private void writeChecked(TrainingState s) throws IOException {
        byte[] bin = encode(s);
        ObjectNode j = ModelFiles.json().createObjectNode();
        j.put("format", "shallownet-checkpoint");
        j.put("format_version", FORMAT_VERSION);
        j.put("epoch", s.epoch());
        j.put("next_step", s.nextStep());
        j.put("steps_done", s.stepsDone());
        j.put("params", s.params().length);
        j.put("velocity", s.velocity() == null ? 0 : s.velocity().length);
        j.put("best_params", s.bestParams() == null ? 0 : s.bestParams().length);
        j.put("best_loss", s.bestLoss());
        j.put("best_epoch", s.bestEpoch());
        j.put("since_best", s.sinceBest());
        j.put("state_sha256", ModelFiles.sha256(bin));
        j.put("run_key_sha256", keySha256);
        putClock(j, "elapsed_s", s.elapsedSeconds());
        putClock(j, "train_s", s.trainSeconds());
        ArrayNode h = j.putArray("history");
        for (EpochMetrics m : s.history()) {
            h.add(EpochMetricsJson.toJson(m));
        }
        Path target = new Path(dir, name(s.stepsDone()));
        Path staging = new Path(dir, "." + target.getName() + ".tmp-" + UUID.randomUUID());
        fs.mkdirs(staging);
        try {
            try (OutputStream out = fs.create(new Path(staging, STATE_BIN), false)) {
                out.write(bin);
            }
            try (OutputStream out = fs.create(new Path(staging, STATE_JSON), false)) {
                out.write(j.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(staging, target)) {
                throw new IOException("could not rename " + staging + " to " + target);
            }
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging, true);
            }
        }
        List<Path> all = stepDirs();
        for (int i = KEEP; i < all.size(); i++) {
            fs.delete(all.get(i), true);
        }
    }

    /** {@link #latest(UnaryOperator, Consumer)} with the reasons in the core's words. */
    public Optional<TrainingState> latest(Consumer<String> onSkip) throws IOException {
        return latest(UnaryOperator.identity(), onSkip);
    }

    /**
     * The newest checkpoint that reads back intact; {@code onSkip} hears of each one that does not,
     * with the settings its reason names rendered by {@code settingName} (e.g. the command line's flag).
     */
    public Optional<TrainingState> latest(UnaryOperator<String> settingName, Consumer<String> onSkip) throws IOException {
        for (Path p : stepDirs()) {
            try {
                return Optional.of(read(p));
            } catch (IOException | RuntimeException e) {
                String reason = e instanceof CommandFailure f ? f.message(settingName) : e.getMessage();
                onSkip.accept(p + ": unusable checkpoint (" + reason + "), skipped");
            }
        }
        return Optional.empty();
    }

    /** Checkpoint directories, newest first (hidden staging directories excluded). */
    List<Path> stepDirs() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            if (st.isDirectory() && st.getPath().getName().matches("step-\\d+")) {
                out.add(st.getPath());
            }
        }
        out.sort((a, b) -> b.getName().compareTo(a.getName()));
        return out;
    }

    private TrainingState read(Path p) throws IOException {
        String text = StoreFiles.readText(fs, new Path(p, STATE_JSON));
        byte[] bin = StoreFiles.readBytes(fs, new Path(p, STATE_BIN));
        if (text == null || bin == null) {
            throw new IOException("missing " + STATE_JSON + " or " + STATE_BIN);
        }
        JsonNode j = ModelFiles.json().readTree(text);
        if (!"shallownet-checkpoint".equals(j.path("format").asText())) {
            throw new IOException("not a checkpoint");
        }
        int version = j.path("format_version").asInt(-1);
        if (version != 1 && version != FORMAT_VERSION) {
            throw new IOException("checkpoint format version " + j.path("format_version") + ", this program reads 1 and "
                    + FORMAT_VERSION);
        }
        if (!keySha256.equals(j.path("run_key_sha256").asText())) {
            throw new CommandFailure(SettingWords.of("written by a run of another recipe, starting model or data (same ",
                    setting("runId"), "?)"));
        }
        String sha = ModelFiles.sha256(bin);
        if (!sha.equals(j.path("state_sha256").asText())) {
            throw new IOException("state.bin has sha256 " + sha + ", state.json records " + j.path("state_sha256").asText());
        }
        int np = j.path("params").asInt();
        int nv = j.path("velocity").asInt();
        int nb = j.path("best_params").asInt();
        if ((long) WeightsEncoding.BYTES_PER_WEIGHT * (np + nv + nb) != bin.length) {
            throw new IOException("state.bin has " + bin.length + " bytes, expected " + (long) WeightsEncoding.BYTES_PER_WEIGHT * (np + nv + nb));
        }
        ByteBuffer b = WeightsEncoding.reader(bin);
        float[] params = WeightsEncoding.next(b, np);
        float[] velocity = nv == 0 ? null : WeightsEncoding.next(b, nv);
        float[] best = nb == 0 ? null : WeightsEncoding.next(b, nb);
        if (!j.has("best_loss")) {
            throw new IOException("state.json has no best_loss");
        }
        List<EpochMetrics> history = new ArrayList<>();
        for (JsonNode r : j.path("history")) {
            history.add(version == 1 ? version1Epoch(r) : EpochMetricsJson.fromJson(r));
        }
        return new TrainingState(j.path("epoch").asInt(), j.path("next_step").asInt(), j.path("steps_done").asLong(),
                params, velocity, num(j.path("best_loss")), j.path("best_epoch").asInt(), best,
                j.path("since_best").asInt(), history, EpochMetricsJson.num(j, "elapsed_s"),
                EpochMetricsJson.num(j, "train_s"));
    }

    /** Version 1 held each epoch as 9 positional numbers, without train_s. */
    private static EpochMetrics version1Epoch(JsonNode r) throws IOException {
        if (!r.isArray() || r.size() != 9) {
            throw new IOException("a version 1 history entry is not 9 numbers: " + r);
        }
        return new EpochMetrics(r.get(0).asInt(), num(r.get(1)), num(r.get(2)), num(r.get(3)), num(r.get(4)),
                num(r.get(5)), num(r.get(6)), num(r.get(7)), num(r.get(8)));
    }

    private static void putClock(ObjectNode j, String name, double seconds) {
        if (!Double.isNaN(seconds)) {
            j.put(name, seconds);
        }
    }

    private static byte[] encode(TrainingState s) {
        return WeightsEncoding.encode(s.params(), s.velocity(), s.bestParams());
    }

    /**
     * Drops the run's checkpoints, then marks it finished: {@code outcome.json}, for a rerun with
     * the same id, written last, is the run's commit point (see docs/retraining.md).
     */
    public void finish(ObjectNode outcome) throws IOException {
        if (fs.exists(dir)) {
            fs.delete(dir, true);
        }
        CrashPoints.reach(CrashPoints.CHECKPOINTS_REMOVED);
        StoreFiles.writeAtomically(fs, fs.getConf(), new Path(runDir, "outcome.json"), outcome.toString() + "\n");
    }

    /** The recorded outcome of a finished run, or null. */
    public ObjectNode outcome() throws IOException {
        String t = StoreFiles.readText(fs, new Path(runDir, "outcome.json"));
        if (t == null) {
            return null;
        }
        JsonNode n = ModelFiles.json().readTree(t);
        return n instanceof ObjectNode o ? o : null;
    }
}
