package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.testutil.Docs;
import shallownet.testutil.StandaloneCluster;

/**
 * docs/retraining.md's examples as a user copies them: the Airflow DAG snippet runs with Python
 * (Airflow's operator replaced by a stand-in that records its arguments, and /opt/shallownet by
 * this checkout), so a missing import or a module option not passed fails here; and the exit
 * codes the page lists are ExitCode's.
 */
class RetrainDocsTest {

    @TempDir
    Path tmp;

    private static boolean python() {
        try {
            Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void theAirflowSnippetRunsAndPassesTheModuleOptions() throws Exception {
        assumeTrue(python(), "python3 is not on this machine");
        List<String> blocks = Docs.codeBlocks("docs/retraining.md", "Airflow");
        String snippet = blocks.get(0).replace("/opt/shallownet", StandaloneCluster.projectDir().toString());
        Path stand = tmp.resolve("airflow/providers/apache/spark/operators");
        Files.createDirectories(stand);
        for (Path d = stand; !d.equals(tmp); d = d.getParent()) {
            Files.writeString(d.resolve("__init__.py"), "");
        }
        Files.writeString(stand.resolve("spark_submit.py"), """
                class SparkSubmitOperator:
                    def __init__(self, **kwargs):
                        self.kwargs = kwargs
                """);
        Files.writeString(tmp.resolve("dag.py"), snippet);
        Files.writeString(tmp.resolve("check.py"), """
                import runpy, json, sys
                ns = runpy.run_path(sys.argv[1])
                k = ns["retrain"].kwargs
                print(json.dumps({"conf": k["conf"], "retry_s": k["retry_delay"].total_seconds(),
                                  "application": k["application"], "args": k["application_args"]}))
                """);
        Process p = new ProcessBuilder("python3", tmp.resolve("check.py").toString(), tmp.resolve("dag.py").toString())
                .directory(tmp.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "the snippet runs as written:\n" + out);
        var json = shallownet.model.ModelFiles.json().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
        String options = Files.readString(StandaloneCluster.projectDir().resolve("conf/java-module-options")).strip();
        assertEquals(options, json.path("conf").path("spark.driver.extraJavaOptions").asText());
        assertEquals(options, json.path("conf").path("spark.executor.extraJavaOptions").asText());
        assertEquals(300.0, json.path("retry_s").asDouble());
        assertEquals("retrain", json.path("args").path(0).asText());
        assertTrue(json.path("application").asText().endsWith("target/shallownet-0.1.0-SNAPSHOT.jar"));
    }

    @Test
    void theExitCodesThePageListsAreExitCodesOwn() {
        List<String> listed = Docs.firstColumn("docs/retraining.md", "Exit codes");
        List<String> codes = java.util.Arrays.stream(ExitCode.values()).map(c -> String.valueOf(c.code())).toList();
        assertEquals(codes, listed);
    }
}
