package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import shallownet.testutil.IdxFixtures;

/**
 * {@code retrain --report/--progress/--quiet} in this JVM with local Spark on a small synthetic data
 * set: the report is written for a promoted and for a rejected candidate (exit 3), parses as XML and
 * shows the gate's verdict and the promotion; --quiet prints only the run's JSON summary line.
 */
class RetrainReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @RegisterExtension
    final CapturedLog log = new CapturedLog("retrain-report-test");
    private final List<String> logged = log.lines();

    private CliRunner.Outcome retrain(Path data, Path store, String... extra) {
        List<String> args = new ArrayList<>(List.of("retrain", "--store", store.toString(), "--data", data.toString(),
                "--master", "local[2]", "--partitions", "2", "--hidden", "8"));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static Document parse(Path html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(html.toFile());
    }

    private static NodeList nodes(Document d, String xpath) throws Exception {
        return (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, d, XPathConstants.NODESET);
    }

    /** The rows of the report's gate section: item to value. */
    private static Map<String, String> gateRows(Document d) throws Exception {
        NodeList rows = nodes(d, "//section[@id='gate']//tbody/tr");
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < rows.getLength(); i++) {
            NodeList cells = ((Element) rows.item(i)).getElementsByTagName("td");
            out.put(cells.item(0).getTextContent(), cells.item(1).getTextContent());
        }
        return out;
    }

    @Test
    void promotedAndRejectedRunsBothWriteAReportWithTheGatesVerdict() throws Exception {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 300, 60, 4, 4, 10, false);
        Path store = tmp.resolve("store");

        Path first = tmp.resolve("reports/first.html");
        CliRunner.Outcome promoted = retrain(data.dir(), store, "--epochs", "2", "--max-test-error", "100",
                "--report", first.toString(), "--quiet", "--progress", "line");
        assertEquals(ExitCode.OK.code(), promoted.exitCode(), promoted.err());
        assertEquals("", promoted.err(), "--quiet: nothing on stderr, not even with --progress line");
        List<String> out = promoted.out().lines().toList();
        assertEquals(1, out.size(), "--quiet: only the run's JSON summary on stdout: " + promoted.out());
        JsonNode summary = JSON.readTree(out.get(0));
        assertEquals("promoted", summary.path("status").asText());
        assertEquals(first.toString(), summary.path("report").asText());
        assertEquals(List.of(), logged, "--quiet: nothing logged by shallownet");

        Document d = parse(first);
        assertEquals("shallownet retrain report", nodes(d, "//h1").item(0).getTextContent());
        Map<String, String> gate = gateRows(d);
        assertEquals("passed", gate.get("verdict"), gate.toString());
        assertEquals("promoted: the champion is now 000001", gate.get("outcome"));
        assertEquals("none (no champion)", gate.get("champion test error, same test set"));
        assertEquals("000001", gate.get("champion after the run"));
        JsonNode meta = JSON.readTree(store.resolve("versions/000001/model.json").toFile());
        double err1 = meta.path("store").path("gate").path("candidate_test_error_pct").asDouble();
        assertEquals(String.format(Locale.ROOT, "%.2f %%", err1), gate.get("candidate test error"));
        assertEquals(1, nodes(d, "//section[@id='confusion']").getLength(), "the training report's sections too");
        assertEquals(1, nodes(d, "//section[@id='curves']").getLength());

        // From scratch at a tiny learning rate with a gate no model passes: trained, kept, not promoted.
        logged.clear();
        Path second = tmp.resolve("reports/second.html");
        CliRunner.Outcome rejected = retrain(data.dir(), store, "--from-scratch", "--epochs", "1", "--lr", "0.0001",
                "--max-test-error", "0", "--report", second.toString(), "--progress", "line");
        assertEquals(ExitCode.NOT_PROMOTED.code(), rejected.exitCode(), rejected.err());
        assertTrue(rejected.err().contains("\repoch 1/1  [####################] 3/3 steps"),
                "retrain draws train's progress line: " + rejected.err());
        assertTrue(logged.stream().anyMatch(l -> l.contains("report written to " + second)), logged.toString());
        Map<String, String> gate2 = gateRows(parse(second));
        assertEquals("failed", gate2.get("verdict"), gate2.toString());
        assertTrue(gate2.get("reason").contains("is above the maximum 0.00 %"), gate2.get("reason"));
        assertEquals("not promoted: 000002 kept as a rejected candidate, the champion stays 000001",
                gate2.get("outcome"));
        assertEquals(String.format(Locale.ROOT, "%.2f %% (000001)", err1),
                gate2.get("champion test error, same test set"), "the champion measured on the same test set");
        assertEquals("000001", gate2.get("champion after the run"));
        assertEquals("0.00 %", gate2.get("maximum test error (--max-test-error)"), "the gate's limits, by their flags");
        assertEquals("0.50 points", gate2.get("maximum regression (--max-regression)"));
    }
}
