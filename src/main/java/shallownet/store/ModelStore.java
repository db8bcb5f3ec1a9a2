package shallownet.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import shallownet.BadInputException;
import shallownet.CommandFailure;
import shallownet.HadoopFiles;
import shallownet.model.ModelFiles;
import shallownet.model.SavedModel;
import shallownet.net.NetworkShape;
import shallownet.onnx.OnnxExport;

/**
 * A model store on any Hadoop file system:
 *
 * <pre>
 * STORE/versions/000001/   model.json + weights.bin (the core model format), never changed once written;
 *                          model.json's "store" object holds the version, run id and the gate's verdict
 * STORE/CURRENT            the champion's version number, replaced by rename
 * STORE/promotions.jsonl   one line per change of champion: version, previous, who, when, why
 * STORE/history.jsonl      one line per retrain run (see {@link RunSummary})
 * STORE/LOCK               held by the run or command that may change the store ({@link StoreLock})
 * STORE/runs/RUN_ID/       checkpoints of a run, so that a killed run resumes ({@link RunCheckpoints})
 * </pre>
 *
 * <p>A version is written completely into a hidden staging directory and renamed to its number
 * ({@link ModelFiles#save}): atomic on HDFS and the local file system, so a listing never shows a
 * partial version. On object stores a directory rename is a copy; there a version counts only
 * once its {@code model.json} is readable and {@code weights.bin} matches the SHA-256 it records
 * (both are checked on every load), and {@link #versions()} reports anything else as incomplete.
 *
 * <p>Changes (new versions, promotions) are made only under the {@link StoreLock}.
 */
public final class ModelStore {

    public static final String VERSIONS = "versions";
    public static final String CURRENT = "CURRENT";
    public static final String PROMOTIONS = "promotions.jsonl";
    public static final String HISTORY = "history.jsonl";
    public static final String RUNS = "runs";
    /** The version as ONNX, beside its model.json ({@code retrain} writes it unless told not to). */
    public static final String ONNX = "model.onnx";

    /**
     * What a store holds at its top level besides its files: the temporary siblings of the files
     * it replaces ({@code .NAME.tmp-<uuid>}, left by a killed writer until the next run removes
     * them), lock takeover claims, and the cut-short tails of {@code history.jsonl} set aside.
     */
    private static final java.util.regex.Pattern OWN_EXTRA = java.util.regex.Pattern.compile(
            "\\.(CURRENT|promotions\\.jsonl|history\\.jsonl|LOCK)\\.tmp-.*|LOCK\\.takeover-.*|history\\.jsonl\\.torn-.*");

    private final Configuration conf;
    private final Path root;
    private final FileSystem fs;

    private ModelStore(Configuration conf, Path root, FileSystem fs) {
        this.conf = conf;
        this.root = root;
        this.fs = fs;
    }

    /** The store at {@code path}; nothing is created until something is written. */
    public static ModelStore at(Configuration conf, String path) throws IOException {
        Path root = new Path(path);
        FileSystem fs = HadoopFiles.of(root, conf);
        if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
            throw BadInputException.about(path, "is a file, expected a model store directory");
        }
        return new ModelStore(conf, root, fs);
    }

    public Path root() {
        return root;
    }

    /**
     * Whether {@code name}, at a directory's top level, is something a store writes there: a
     * directory holding anything else is not a store (and is not written as one).
     */
    public static boolean isOwnEntry(String name) {
        return java.util.Set.of(VERSIONS, CURRENT, PROMOTIONS, HISTORY, RUNS, StoreLock.FILE).contains(name)
                || OWN_EXTRA.matcher(name).matches();
    }

    FileSystem fs() {
        return fs;
    }

    Configuration conf() {
        return conf;
    }

    public static String name(int version) {
        return String.format("%06d", version);
    }

    /** Parses "3", "000003" or "v3"; a clear error otherwise. */
    public static int parseVersion(String s) {
        String digits = s.startsWith("v") ? s.substring(1) : s;
        try {
            int v = Integer.parseInt(digits);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInputException("version " + s + ": not a version number (expected e.g. 3 or 000003)");
    }

    /** Where {@code version} is (or would be) kept. */
    public Path versionDir(int version) {
        return new Path(new Path(root, VERSIONS), name(version));
    }

    // ---------------------------------------------------------------- versions

    /** A version as listed: its number, and its model.json (null when incomplete or unreadable). */
    public record VersionInfo(int version, ObjectNode metadata, String problem) {
        public boolean complete() {
            return metadata != null;
        }

        public JsonNode store() {
            return metadata == null ? null : metadata.path("store");
        }
    }

    /** Every version directory, oldest first (hidden staging directories are not versions). */
    public List<VersionInfo> versions() throws IOException {
        List<VersionInfo> out = new ArrayList<>();
        for (int v : versionNumbers()) {
            out.add(info(v));
        }
        return out;
    }

    List<Integer> versionNumbers() throws IOException {
        Path dir = new Path(root, VERSIONS);
        List<Integer> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus s : fs.listStatus(dir)) {
            String n = s.getPath().getName();
            if (s.isDirectory() && n.matches("\\d{6,}")) {
                out.add(Integer.parseInt(n));
            }
        }
        out.sort(null);
        return out;
    }

    public VersionInfo info(int version) throws IOException {
        try {
            SavedModel m = ModelFiles.load(conf, versionDir(version).toString());
            return new VersionInfo(version, m.metadata(), null);
        } catch (BadInputException e) {
            return new VersionInfo(version, null, e.getMessage());
        }
    }

    /** The model of {@code version}, its weights checked against model.json's SHA-256. */
    public SavedModel load(int version) throws IOException {
        Path dir = versionDir(version);
        if (!fs.exists(dir)) {
            throw BadInputException.about(root, "has no version " + name(version));
        }
        return ModelFiles.load(conf, dir.toString());
    }

    /**
     * Writes a new version (the next number) completely, then renames it into place. Call with
     * the store's lock held, which makes the number unique.
     */
    public int addVersion(NetworkShape shape, float[] params, ObjectNode metadata) throws IOException {
        return addVersion(shape, params, metadata, false);
    }

    /**
     * {@link #addVersion(NetworkShape, float[], ObjectNode)}, with {@value #ONNX} in the version
     * directory if {@code withOnnx}: the model as ONNX, written with the rest of the version (so
     * the version never lacks it, and stays unchanged once written), for serving systems that
     * follow {@code CURRENT}. Its metadata names the version, the training data and the test error.
     */
    public int addVersion(NetworkShape shape, float[] params, ObjectNode metadata, boolean withOnnx)
            throws IOException {
        List<Integer> existing = versionNumbers();
        int next = existing.isEmpty() ? 1 : existing.get(existing.size() - 1) + 1;
        ObjectNode meta = metadata.deepCopy();
        meta.with("store").put("version", name(next));
        Map<String, byte[]> extra = withOnnx ? Map.of(ONNX, OnnxExport.ofModelJson(shape, params, meta)) : Map.of();
        try {
            fs.mkdirs(new Path(root, VERSIONS));
            ModelFiles.save(conf, versionDir(next).toString(), shape, params, meta, false, extra);
        } catch (IOException | FSError e) {
            // A full disk or a quota: one line naming the version (its staging directory is gone).
            throw new CommandFailure(versionDir(next) + ": cannot write (" + CommandFailure.rootMessage(e) + ")", e);
        }
        return next;
    }

    /** The complete version trained by run {@code runId}, if any (a run killed after saving it). */
    public Optional<VersionInfo> versionOfRun(String runId) throws IOException {
        for (VersionInfo v : versions()) {
            if (v.complete() && runId.equals(v.store().path("run_id").asText())) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /**
     * Deletes what killed writers left behind: staging directories of versions and temporary
     * copies of {@code CURRENT} and the JSON Lines files. Call with the lock held (nobody else is
     * writing them then). Returns how many were removed.
     */
    public int removeLeftovers(StoreLock lock) throws IOException {
        lock.checkStillHeld();
        int removed = 0;
        for (Path dir : new Path[] {root, new Path(root, VERSIONS)}) {
            if (!fs.exists(dir)) {
                continue;
            }
            for (FileStatus s : fs.listStatus(dir)) {
                String n = s.getPath().getName();
                if (n.matches("\\.\\d{6,}\\.(tmp|old)-.*") || n.matches("\\.?(CURRENT|" + PROMOTIONS + "|" + HISTORY
                        + ")\\.tmp-.*")) {
                    fs.delete(s.getPath(), true);
                    removed++;
                }
            }
        }
        return removed;
    }

    // ---------------------------------------------------------------- champion

    /**
     * The champion's version number, or empty when none was ever promoted. {@code CURRENT} is
     * authoritative; if it is missing while promotions exist (an object store between the delete
     * and the rename of a promotion), the last promotion, which is written first, is the champion.
     */
    public Optional<Integer> champion() throws IOException {
        String current = StoreFiles.readText(fs, new Path(root, CURRENT));
        Integer named = pointer(current);
        if (named != null) {
            return Optional.of(named);
        }
        List<ObjectNode> promotions = promotions();
        if (promotions.isEmpty()) {
            if (current != null && !current.isBlank()) {
                throw BadInputException.about(new Path(root, CURRENT), "is damaged (" + quoted(current) + " names no "
                        + "version of this store) and promotions.jsonl has no promotion to rebuild it from; write the "
                        + "champion's version into it, e.g. 000001");
            }
            return Optional.empty();
        }
        return Optional.of(parseVersion(promotions.get(promotions.size() - 1).path("version").asText()));
    }

    /**
     * CURRENT's version if the file is whole: six or more digits (as it is written, so that a
     * truncated "000012" is not read as version 1), a newline, and a version directory of that
     * number. Else null: missing, empty or damaged, and the last promotion decides.
     */
    private Integer pointer(String text) throws IOException {
        if (text == null || !text.matches("\\d{6,}\n?")) {
            return null;
        }
        int v = Integer.parseInt(text.trim());
        return fs.exists(versionDir(v)) ? v : null;
    }

    private static String quoted(String text) {
        String t = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return "'" + t.replace("\n", "\\n") + "'";
    }

    /**
     * What is damaged in the store but read around, one line each, for the commands to warn of: a
     * CURRENT that names no version (the last promotion stands in, and the next command that
     * takes the lock rewrites it), a history.jsonl whose last line is cut short (left out, and set
     * aside when the history is next written).
     */
    public List<String> damage() throws IOException {
        List<String> out = new ArrayList<>();
        // CURRENT and the last promotion read once each; the champion is derived from them as champion() does.
        String current = StoreFiles.readText(fs, new Path(root, CURRENT));
        Integer named = pointer(current);
        Optional<ObjectNode> last = lastPromotion();
        if (current != null && !current.isBlank() && named == null && last.isPresent()) {
            out.add(new Path(root, CURRENT) + ": damaged (" + quoted(current) + " names no version): the champion is "
                    + "the last promotion's, " + name(parseVersion(last.get().path("version").asText()))
                    + "; the next retrain, promote or rollback rewrites it");
        }
        if (named != null && last.isPresent() && parseVersion(last.get().path("version").asText()) != named) {
            out.add(new Path(root, CURRENT) + ": names " + name(named) + ", but the last promotion (`"
                    + PromotionHistory.command(last.get()) + "` at " + last.get().path("time").asText("?") + ") names "
                    + last.get().path("version").asText() + ": that change was interrupted; the next retrain, promote "
                    + "or rollback completes it");
        }
        String history = StoreFiles.readText(fs, new Path(root, HISTORY));
        String torn = history == null ? null : JsonLines.tornTail(history);
        if (torn != null) {
            out.add(new Path(root, HISTORY) + ": the last line is cut short (" + torn.length() + " bytes, no newline): "
                    + "left out; the next run sets it aside in " + HISTORY + ".torn-<time>");
        }
        return out;
    }

    /** The change of champion that set {@code CURRENT} as it is now (who, when, why), if any. */
    public Optional<ObjectNode> lastPromotion() throws IOException {
        List<ObjectNode> all = promotions();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Every change of champion, oldest first. */
    public List<ObjectNode> promotions() throws IOException {
        return JsonLines.read(fs, new Path(root, PROMOTIONS), false);
    }

    /** The runs' summaries, oldest first. */
    public List<ObjectNode> history() throws IOException {
        return JsonLines.read(fs, new Path(root, HISTORY), true);
    }

    /**
     * Makes {@code version} the champion: appends the promotion (who, when, why, previous) to the
     * history of promotions, then replaces {@code CURRENT}. Call with the lock held.
     */
    public ObjectNode promote(StoreLock lock, int version, String action, String reason) throws IOException {
        return promote(lock, version, action, reason, lock.owner().path("run_id").asText(null));
    }

    /** {@link #promote(StoreLock, int, String, String)} on behalf of run {@code runId} (a recovered run's). */
    public ObjectNode promote(StoreLock lock, int version, String action, String reason, String runId)
            throws IOException {
        lock.checkStillHeld();
        repairCurrent(lock);
        VersionInfo target = info(version);
        if (!target.complete()) {
            throw BadInputException.about(versionDir(version), target.problem() == null ? "incomplete version"
                    : target.problem());
        }
        Optional<Integer> previous = champion();
        ObjectNode p = ModelFiles.json().createObjectNode();
        p.put("time", Instant.now().toString());
        p.put("action", action);
        p.put("version", name(version));
        if (previous.isPresent()) {
            p.put("previous", name(previous.get()));
        } else {
            p.putNull("previous");
        }
        p.put("reason", reason);
        p.put("user", System.getProperty("user.name"));
        p.put("host", StoreLock.hostName());
        p.put("pid", ProcessHandle.current().pid());
        p.put("run_id", runId);
        JsonLines.append(fs, conf, new Path(root, PROMOTIONS), p, false);
        CrashPoints.reach(CrashPoints.PROMOTION_RECORDED);
        StoreFiles.writeAtomically(fs, conf, new Path(root, CURRENT), name(version) + "\n");
        return p;
    }

    /**
     * Finishes a promotion whose process was killed between its line in promotions.jsonl (written
     * first, authoritative) and CURRENT: CURRENT is made to name the last promotion's version.
     * Call with the lock held. Returns true if CURRENT was rewritten.
     */
    public boolean repairCurrent(StoreLock lock) throws IOException {
        List<ObjectNode> promotions = promotions();
        if (promotions.isEmpty()) {
            return false;
        }
        String last = name(parseVersion(promotions.get(promotions.size() - 1).path("version").asText()));
        String current = StoreFiles.readText(fs, new Path(root, CURRENT));
        if (current != null && current.trim().equals(last) && pointer(current) != null) {
            return false;
        }
        lock.checkStillHeld();
        StoreFiles.writeAtomically(fs, conf, new Path(root, CURRENT), last + "\n");
        return true;
    }

    /** The recorded outcome ({@code runs/RUN_ID/outcome.json}) of run {@code runId}, or null if it never finished. */
    public ObjectNode runOutcome(String runId) throws IOException {
        return run(runId, "").outcome();
    }

    /** Appends one run summary to {@code history.jsonl}. Call with the lock held. */
    public void appendHistory(ObjectNode summary) throws IOException {
        JsonLines.append(fs, conf, new Path(root, HISTORY), summary, true);
    }

    /**
     * The checkpoints of run {@code runId}; {@code key} describes what determines its bits (recipe,
     * starting model, data), and a checkpoint written under another key is not resumed.
     */
    public RunCheckpoints run(String runId, String key) {
        RunIds.check(runId);
        return new RunCheckpoints(fs, new Path(new Path(root, RUNS), runId), key);
    }

    /** Refuses, before any work, a {@code LOCK} that no lock could be taken through (see {@link StoreLock}). */
    public void checkLockFile() throws IOException {
        StoreLock.checkFile(this);
    }

    public StoreLock.Builder lock() {
        return new StoreLock.Builder(this);
    }
}
