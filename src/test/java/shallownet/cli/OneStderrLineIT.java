package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.AppJar;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.StandaloneCluster;

/**
 * "Every failure is one line on stderr", counting whatever the JVM prints (its notice of the Vector
 * API's incubator module included): a dozen failures through {@code ./submit.sh}, each exactly one
 * stderr line with its exit code; {@code --help} prints nothing on stderr; Ctrl-C (SIGINT to the
 * process group, as a terminal sends it) still ends with exit 130 and the one {@code interrupted:}
 * line. stderr is read from a pipe to its end, so every line the filter in submit.sh passes on is seen.
 */
class OneStderrLineIT {

    @TempDir
    static Path tmp;

    static Path appJar;
    static Path data;

    record Run(int code, List<String> stdout, List<String> stderr) {
    }

    @BeforeAll
    static void jarAndData() throws Exception {
        appJar = AppJar.build(tmp.resolve("shallownet-app.jar"));
        data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 3000, 200, 28, 28, 10, false).dir();
    }

    static Run submit(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", StandaloneCluster.projectDir().resolve("submit.sh").toString()));
        cmd.addAll(Arrays.asList(args));
        return finish(start(cmd, env));
    }

    static Process start(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(Map.of("SPARK_HOME", StandaloneCluster.sparkHome().toString(),
                "SHALLOWNET_JAR", appJar.toString()));
        pb.environment().putAll(env);
        return pb.start();
    }

    static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                return b.toString(StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static Run finish(Process p) throws Exception {
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the command did not end");
            return new Run(p.exitValue(), out.get(1, TimeUnit.MINUTES).lines().toList(),
                    err.get(1, TimeUnit.MINUTES).lines().toList());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void everyFailureIsOneStderrLine() throws Exception {
        Path model = tmp.resolve("not-a-model");
        Files.createDirectories(model);
        Path text = Files.writeString(tmp.resolve("notes.txt"), "7,2,1\n");
        Path realModel = tmp.resolve("model");
        shallownet.net.NetworkShape shape = new shallownet.net.NetworkShape(28 * 28, 16, 10);
        shallownet.model.ModelFiles.save(new org.apache.hadoop.conf.Configuration(), realModel.toString(), shape,
                shallownet.net.WeightInit.initShallow(shape, 1), shallownet.model.ModelFiles.json().createObjectNode(), false);
        Path truncated = Files.createDirectories(tmp.resolve("truncated"));
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte")) {
            byte[] b = Files.readAllBytes(data.resolve(f));
            Files.write(truncated.resolve(f), f.startsWith("train-images") ? Arrays.copyOf(b, b.length - 100) : b);
        }
        String d = data.toString();
        Map<String, List<String>> failures = new java.util.LinkedHashMap<>();
        failures.put("a mistyped option", List.of("train", "--epoch", "3", "--data", d));
        failures.put("a value out of range", List.of("train", "--lr", "0", "--data", d));
        failures.put("a malformed number", List.of("gradcheck", "--seed", "abc"));
        failures.put("a missing data directory", List.of("info", "--data", tmp.resolve("nowhere").toString()));
        failures.put("a truncated IDX file", List.of("info", "--data", truncated.toString()));
        failures.put("a directory that is not a model", List.of("evaluate", "--model", model.toString(), "--data", d));
        failures.put("a text file for predict", List.of("predict", "--model", realModel.toString(), "--images",
                text.toString(), "--out", tmp.resolve("p.csv").toString()));
        failures.put("an index past the end", List.of("show", "--data", d, "--index", "999999"));
        failures.put("a file: mirror", List.of("fetch", "--to", tmp.resolve("f").toString(), "--mirror", "file:///tmp/"));
        failures.put("an unknown command", List.of("trian"));
        failures.put("a bad --master", List.of("info", "--data", d, "--master", "locl[2]"));
        failures.put("a bad --driver-memory", List.of("info", "--data", d, "--driver-memory", "2x"));
        failures.put("a JVM option the JVM refuses", List.of("info", "--data", d));
        failures.put("a JAVA_HOME without java", List.of("info", "--data", d));
        // A failure after Spark started, while another job holds Spark's UI port (two jobs on one
        // machine): Spark's notice that it took the next port is no second line.
        failures.put("a run that diverges, with port 4040 taken", List.of("train", "--data", d, "--lr", "1000000",
                "--epochs", "1", "--quiet", "--master", "local[1]", "--model-out", tmp.resolve("diverged").toString()));
        List<Runnable> checks = new ArrayList<>();
        java.net.ServerSocket ui = null;
        try {
            ui = new java.net.ServerSocket(4040);
        } catch (java.io.IOException taken) {
            // taken already: as good
        }
        try {
        for (Map.Entry<String, List<String>> f : failures.entrySet()) {
            Map<String, String> env = new HashMap<>();
            if (f.getKey().equals("a JVM option the JVM refuses")) {
                env.put("SHALLOWNET_JAVA_OPTS", "-Xmx1q");
            } else if (f.getKey().equals("a JAVA_HOME without java")) {
                env.put("JAVA_HOME", tmp.toString());
            }
            Run r = submit(env, f.getValue().toArray(String[]::new));
            System.out.printf("OneStderrLineIT: %s: exit %d, %d stderr line(s): %s%n", f.getKey(), r.code(), r.stderr().size(),
                    r.stderr());
            int code = f.getKey().startsWith("a run that diverges") ? 5 : 2;
            checks.add(() -> assertEquals(code, r.code(), f.getKey() + ": " + r.stderr()));
            checks.add(() -> assertEquals(1, r.stderr().size(), f.getKey() + ": one line on stderr, not " + r.stderr()));
            checks.add(() -> assertTrue(r.stderr().get(0).startsWith("error: ") || r.stderr().get(0).startsWith("submit.sh: "),
                    f.getKey() + ": " + r.stderr()));
        }
        } finally {
            if (ui != null) {
                ui.close();
            }
        }
        assertTrue(failures.size() >= 12, "a dozen failures");
        assertAll(checks.stream().map(c -> (org.junit.jupiter.api.function.Executable) c::run));
    }

    @Test
    void helpAndASuccessPrintNothingOfTheJvmOnStderr() throws Exception {
        Run help = submit(Map.of(), "train", "--help");
        assertEquals(0, help.code(), help.stderr().toString());
        assertEquals(List.of(), help.stderr());
        assertTrue(help.stdout().stream().anyMatch(l -> l.contains("--epochs")), help.stdout().toString());
        Run info = submit(Map.of(), "info", "--data", data.toString(), "--quiet");
        assertEquals(0, info.code(), info.stderr().toString());
        assertTrue(info.stderr().stream().noneMatch(l -> l.startsWith("WARNING")), info.stderr().toString());
    }

    @Test
    void ctrlCIsExit130AndOneInterruptedLine() throws Exception {
        // setsid: a process group of its own, to which SIGINT goes as a terminal's Ctrl-C does (the
        // JVM and submit.sh's filter of its stderr both receive it).
        // perl first: a build started in the background (as a CI job may be) has SIGINT ignored,
        // which its children inherit and bash cannot undo; Ctrl-C at a terminal has it at default.
        List<String> cmd = List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die \"exec: $!\"", "setsid",
                "bash", StandaloneCluster.projectDir().resolve("submit.sh").toString(),
                "train", "--data", data.toString(), "--epochs", "500", "--progress", "off", "--master", "local[1]",
                "--model-out", tmp.resolve("never").toString());
        Process p = start(cmd, Map.of());
        CompletableFuture<String> out = drain(p.getInputStream());
        java.io.BufferedReader err = new java.io.BufferedReader(new java.io.InputStreamReader(p.getErrorStream(),
                StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        try {
            for (String l; (l = err.readLine()) != null; ) {
                lines.add(l);
                if (l.contains("shallownet: epoch ")) {
                    break;
                }
            }
            assertTrue(p.isAlive(), "training runs: " + lines);
            new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).inheritIO().start().waitFor();
            for (String l; (l = err.readLine()) != null; ) {
                lines.add(l);
            }
            assertTrue(p.waitFor(2, TimeUnit.MINUTES));
            out.get(1, TimeUnit.MINUTES);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        List<String> after = lines.subList(lines.indexOf(lines.stream().filter(l -> l.contains("shallownet: epoch "))
                .findFirst().orElseThrow()) + 1, lines.size()).stream()
                .filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d INFO  shallownet: epoch .*")).toList();
        assertEquals(130, p.exitValue(), String.join("\n", lines));
        assertEquals(List.of("interrupted: nothing was written"), after, String.join("\n", lines));
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("WARNING: Using incubator")), String.join("\n", lines));
    }
}
