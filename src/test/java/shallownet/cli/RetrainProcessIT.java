package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.MnistSlice;
import shallownet.testutil.StandaloneCluster;

/**
 * {@code retrain} as the scheduler runs it, in separate JVMs (the test's classpath and module
 * flags, {@code local[2]}), on the first 3,000 training and 500 test digits of real MNIST
 * (30 steps per epoch): a run killed with SIGKILL in epoch 3 resumes from its checkpoint to the
 * same bytes as an uninterrupted run while CURRENT never moves; two runs started together on one
 * store promote once; with {@code --lock-wait}, the second waits and then trains from the champion
 * the first promoted.
 */
class RetrainProcessIT {

    @TempDir
    static Path shared;

    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void slice() {
        data = MnistSlice.write(shared.resolve("mnist-3000"), 3000, 500);
    }

    /** Starts {@code retrain} in a new JVM, its output (stdout and stderr) going to {@code log}. */
    static Process start(Path log, Path store, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Xmx") && !a.startsWith("-javaagent") && !a.startsWith("-agentlib")) {
                cmd.add(a);
            }
        }
        // The product's logging, as submit.sh gives it (its INFO lines are what this test reads),
        // not the test console's, which shows warnings only.
        cmd.add("-Dlog4j2.configurationFile=" + StandaloneCluster.projectDir().resolve("conf/log4j2.properties").toUri());
        cmd.addAll(List.of("-Xmx1g", "-Dspark.ui.enabled=false", "-cp", System.getProperty("java.class.path"),
                "shallownet.cli.Main", "retrain", "--store", store.toString(), "--data", data.toString(),
                "--master", "local[2]"));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    static int run(Path log, Path store, String... extra) throws Exception {
        Process p = start(log, store, extra);
        try {
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "retrain did not finish; log " + log);
            return p.exitValue();
        } finally {
            p.destroyForcibly();
        }
    }

    /** Starts two identical {@code retrain}s on one store at once (logs a.log, b.log); their exit codes. */
    private List<Integer> runTogether(Path store, String... args) throws Exception {
        Process a = start(tmp.resolve("a.log"), store, args);
        Process b = start(tmp.resolve("b.log"), store, args);
        try {
            assertTrue(a.waitFor(10, TimeUnit.MINUTES));
            assertTrue(b.waitFor(10, TimeUnit.MINUTES));
            return List.of(a.exitValue(), b.exitValue());
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    static String log(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Newest checkpoint of any run of the store, as its step count. */
    static Optional<Long> newestCheckpoint(Path store) {
        Path runs = store.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(runs, 3)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("step-\\d+"))
                    .map(n -> Long.parseLong(n.substring(5))).max(Long::compare);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty(); // a checkpoint renamed or deleted while walking: look again
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static final String[] FIVE_EPOCHS = {"--epochs", "5", "--partitions", "4", "--checkpoint-every", "10",
        "--max-test-error", "100", "--max-regression", "100"};

    @Test
    void killedInEpoch3ItResumesToTheSameBytesAndCurrentNeverMoves() throws Exception {
        Path killed = tmp.resolve("killed-store");
        Path clean = tmp.resolve("uninterrupted-store");
        assertEquals(0, run(tmp.resolve("champion.log"), killed, "--epochs", "1", "--partitions", "4",
                "--max-test-error", "100"), log(tmp.resolve("champion.log")));
        copyTree(killed, clean);
        String champion = StoreListing.read(killed.resolve("CURRENT"));
        assertEquals("000001\n", champion);

        // Watch CURRENT for the whole of the killed run and of its restart.
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                String c = StoreListing.read(killed.resolve("CURRENT"));
                seen.add(c == null ? "<missing>" : c);
                Thread.onSpinWait();
            }
        });
        watcher.setDaemon(true);
        watcher.start();

        // Epoch 3 is steps 61-90; the checkpoint after step 70 is inside it: kill -9 then.
        Path killedLog = tmp.resolve("killed.log");
        Path killedMetrics = tmp.resolve("killed-metrics.jsonl");
        Process p = start(killedLog, killed, withMetrics(killedMetrics));
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (newestCheckpoint(killed).orElse(0L) < 70 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(p.isAlive(), "the run ended before its checkpoint at step 70:\n" + log(killedLog));
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        long lastCheckpoint = newestCheckpoint(killed).orElseThrow();
        assertTrue(lastCheckpoint >= 70 && lastCheckpoint < 90,
                "killed inside epoch 3 (steps 61-90): newest checkpoint after step " + lastCheckpoint);
        assertFalse(log(killedLog).contains("epoch   3/5"), "killed before epoch 3 finished:\n" + log(killedLog));
        assertFalse(Files.exists(killed.resolve("versions/000002")), "no version from the killed run");
        Set<String> seenWhileKilled = Set.copyOf(seen);

        Path resumedLog = tmp.resolve("resumed.log");
        Path resumedMetrics = tmp.resolve("resumed-metrics.jsonl");
        int resumed = run(resumedLog, killed, withMetrics(resumedMetrics));
        watcher.interrupt();
        watcher.join();
        assertEquals(0, resumed, log(resumedLog));
        Matcher m = Pattern.compile("resuming from the checkpoint after step (\\d+) \\(epoch 3, step (\\d+)\\)")
                .matcher(log(resumedLog));
        assertTrue(m.find(), "resumed:\n" + log(resumedLog));
        assertEquals(lastCheckpoint, Long.parseLong(m.group(1)));
        assertFalse(log(resumedLog).contains("epoch   2/5"), "epochs 1-2 are not trained again");

        // Every epoch's figures survive the kill: the resumed run's metrics file has epochs 0-5,
        // each with train_s, increasing across the resume; those of epochs 0-2 are the killed
        // attempt's own, to the digit.
        List<JsonNode> before = metricsLines(killedMetrics);
        List<JsonNode> after = metricsLines(resumedMetrics);
        assertEquals(List.of(0, 1, 2, 3, 4, 5), after.stream().filter(l -> !l.has("final"))
                .map(l -> l.path("epoch").asInt()).toList(), "epochs in " + resumedMetrics);
        double previous = -1;
        for (JsonNode l : after.subList(0, 6)) {
            assertTrue(l.has("train_s"), "train_s in " + l);
            assertTrue(l.path("train_s").asDouble() > previous, "train_s increasing: " + after);
            previous = l.path("train_s").asDouble();
        }
        assertTrue(before.size() >= 3, "the killed attempt wrote epochs 0-2: " + before);
        assertEquals(before.subList(0, 3), after.subList(0, 3), "epochs 0-2 as the killed attempt wrote them");
        assertTrue(after.get(6).path("final").asBoolean() && after.get(6).path("train_s").asDouble() == previous,
                "final line: " + after.get(6));
        System.out.printf("train_s per epoch after kill -9 and resume: %s%n",
                after.subList(0, 6).stream().map(l -> l.path("train_s").asText()).toList());

        Path cleanLog = tmp.resolve("uninterrupted.log");
        assertEquals(0, run(cleanLog, clean, FIVE_EPOCHS), log(cleanLog));

        byte[] resumedWeights = Files.readAllBytes(killed.resolve("versions/000002/weights.bin"));
        byte[] cleanWeights = Files.readAllBytes(clean.resolve("versions/000002/weights.bin"));
        System.out.printf("killed after checkpoint %d, resumed: weights.bin sha256 %s; uninterrupted: %s%n",
                lastCheckpoint, IdxFixtures.sha256(resumedWeights), IdxFixtures.sha256(cleanWeights));
        assertArrayEquals(cleanWeights, resumedWeights, "resumed run's weights.bin equals the uninterrupted run's");
        assertEquals(Set.of(champion), seenWhileKilled, "CURRENT while the run was killed");
        assertTrue(Set.of(champion, "000002\n").containsAll(seen), "CURRENT was always a complete pointer: " + seen);
        assertEquals("000002\n", StoreListing.read(killed.resolve("CURRENT")));
        assertFalse(Files.exists(killed.resolve("LOCK")), "lock released");
    }

    private static String[] withMetrics(Path file) {
        List<String> a = new ArrayList<>(List.of(FIVE_EPOCHS));
        a.addAll(List.of("--metrics-out", file.toString()));
        return a.toArray(String[]::new);
    }

    private static List<JsonNode> metricsLines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(new ObjectMapper().readTree(line));
        }
        return out;
    }

    @Test
    void twoRunsStartedTogetherPromoteOnce() throws Exception {
        Path store = tmp.resolve("store");
        String[] args = {"--epochs", "2", "--partitions", "2", "--max-test-error", "100"};
        List<Integer> exits = runTogether(store, args);
        List<Integer> codes = exits.stream().sorted().toList();
        assertEquals(List.of(0, 4), codes, "a: " + log(tmp.resolve("a.log")) + "\nb: " + log(tmp.resolve("b.log")));
        String loser = log(tmp.resolve(exits.get(0) == 4 ? "a.log" : "b.log"));
        assertTrue(loser.lines().anyMatch(l -> l.startsWith("error: ") && l.contains("LOCK: the store is locked by run")),
                loser);
        try (Stream<Path> s = Files.list(store.resolve("versions"))) {
            assertEquals(List.of("000001"), s.map(p -> p.getFileName().toString()).toList(),
                    "one version, no partial one");
        }
        assertEquals("000001\n", StoreListing.read(store.resolve("CURRENT")));
        assertEquals(1, Files.readAllLines(store.resolve("promotions.jsonl")).size());
        assertNotEquals(null, StoreListing.read(store.resolve("history.jsonl")));
    }

    @Test
    void aRunThatWaitsForTheLockTrainsFromTheChampionTheOtherPromoted() throws Exception {
        Path store = tmp.resolve("store");
        String[] args = {"--epochs", "2", "--partitions", "2", "--max-test-error", "100", "--max-regression", "100",
            "--lock-wait", "600"};
        List<Integer> exits = runTogether(store, args);
        String both = "a: " + log(tmp.resolve("a.log")) + "\nb: " + log(tmp.resolve("b.log"));
        assertEquals(List.of(0, 0), exits, both);
        List<String> waited = Stream.of("a.log", "b.log").map(n -> log(tmp.resolve(n)))
                .filter(l -> l.contains("the champion changed while waiting for the lock: now champion 000001"))
                .toList();
        assertEquals(1, waited.size(), "exactly one run waited and then started from the new champion:\n" + both);
        assertTrue(waited.get(0).contains("champion is now 000002"), waited.get(0));
        try (Stream<Path> s = Files.list(store.resolve("versions"))) {
            assertEquals(List.of("000001", "000002"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.readString(store.resolve("versions/000002/model.json"))
                .matches("(?s).*\"start\" : \"champion 000001 sha256 [0-9a-f]{64}\".*"), "the second warm-started");
        List<String> promotions = Files.readAllLines(store.resolve("promotions.jsonl"));
        assertEquals(2, promotions.size(), String.join("\n", promotions));
        assertTrue(promotions.get(1).contains("\"previous\":\"000001\""), promotions.get(1));
        assertEquals("000002\n", StoreListing.read(store.resolve("CURRENT")));
        assertFalse(Files.exists(store.resolve("LOCK")), "lock released");
    }
}
