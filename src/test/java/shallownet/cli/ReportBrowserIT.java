package shallownet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shallownet.run.RunReport;
import shallownet.testutil.HeadlessChromium;
import shallownet.testutil.IdxFixtures;
import shallownet.testutil.RealMnist;

/**
 * {@code train --report}: the page a user opens, opened in a real headless Chromium. Checks that
 * every chart rendered (elements present, laid out with a size), that the figures agree with the
 * saved model, that the console stayed clean, and saves a full-page screenshot under
 * {@code target/report-screenshots/}.
 */
class ReportBrowserIT {

    private static final Path SCREENSHOTS = Path.of(System.getProperty("shallownet.project.dir", "."), "target",
            "report-screenshots");

    /** What the page looks like once laid out: sizes from getBoundingClientRect. */
    private static final String INSPECT = """
            const size = e => { const b = e.getBoundingClientRect(); return {w: b.width, h: b.height}; };
            return {
              title: document.title,
              height: Math.ceil(document.documentElement.scrollHeight),
              charts: [...document.querySelectorAll('svg.chart')].map(s => Object.assign({id: s.id}, size(s))),
              lines: [...document.querySelectorAll('svg.line-chart g.series')].map(g => Object.assign(
                  {chart: g.ownerSVGElement.id, series: g.dataset.series,
                   points: g.querySelector('polyline').points.numberOfItems}, size(g.querySelector('polyline')))),
              cells: [...document.querySelectorAll('#confusion-chart g.cell')].map(g => Object.assign(
                  {count: Number(g.dataset.count)}, size(g.querySelector('rect')))),
              bars: [...document.querySelectorAll('#phase-chart g.bar rect')].map(size),
              digits: [...document.querySelectorAll('.digits img')].map(i => Object.assign(
                  {complete: i.complete, natural: i.naturalWidth, inner: i.clientWidth}, size(i))),
              rows: [...document.querySelectorAll('#history tbody tr')].length
            };""";

    @TempDir
    Path tmp;

    @Test
    void reportOfASmallRunRendersInChromium() throws Exception {
        IdxFixtures.DataSet data = IdxFixtures.writeDataDirectory(tmp.resolve("data"), 400, 120, 28, 28, 10, true);
        Path report = tmp.resolve("run report.html");
        Path model = tmp.resolve("model");
        CliRunner.Outcome r = CliRunner.run("train", "--master", "local[2]", "--data", data.dir().toString(),
                "--model-out", model.toString(), "--epochs", "3", "--validation-fraction", "0.25", "--report",
                report.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode page = inspect(report, "synthetic-report.png", model, 4, 120, true);
        assertEquals(RunReport.DIGITS, page.get("digits").size(), "hash-noise digits: more than 50 test errors");
    }

    @Test
    void reportOfARealMnistRunRendersInChromium() throws Exception {
        String mnist = RealMnist.dir();
        Path report = tmp.resolve("mnist-report.html");
        Path model = tmp.resolve("model");
        CliRunner.Outcome r = CliRunner.run("train", "--master", "local[2]", "--partitions", "2", "--data", mnist,
                "--model-out", model.toString(), "--preset", "fast", "--epochs", "2", "--validation-fraction", "0.1",
                "--report", report.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode page = inspect(report, "mnist-report.png", model, 3, 10000, true);
        assertEquals(RunReport.DIGITS, page.get("digits").size());
    }

    /** Opens the report, checks it, saves a screenshot; returns what the page showed. */
    private JsonNode inspect(Path report, String screenshot, Path model, int evaluations, int testCount,
                             boolean validation) throws Exception {
        JsonNode meta = new ObjectMapper().readTree(model.resolve("model.json").toFile());
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(report.toUri().toString());
            JsonNode page = browser.script(INSPECT);
            assertEquals("shallownet training report", page.get("title").asText());

            Set<String> charts = new HashSet<>();
            for (JsonNode c : page.get("charts")) {
                charts.add(c.get("id").asText());
                assertTrue(c.get("w").asDouble() >= 200 && c.get("h").asDouble() >= 80, "chart laid out with a size: " + c);
            }
            assertEquals(Set.of("loss-chart", "error-chart", "confusion-chart", "phase-chart"), charts);

            List<String> series = new ArrayList<>();
            for (JsonNode l : page.get("lines")) {
                series.add(l.get("chart").asText() + "/" + l.get("series").asText());
                assertEquals(evaluations, l.get("points").asInt(), "one point per evaluated epoch: " + l);
                assertTrue(l.get("w").asDouble() > 100 && l.get("h").asDouble() > 0, "curve drawn across the chart: " + l);
            }
            List<String> expected = new ArrayList<>(List.of("loss-chart/train", "loss-chart/test"));
            if (validation) {
                expected.add("loss-chart/validation");
            }
            expected.addAll(List.of("error-chart/train", "error-chart/test"));
            if (validation) {
                expected.add("error-chart/validation");
            }
            assertEquals(expected, series);
            assertEquals(evaluations, page.get("rows").asInt());

            JsonNode cells = page.get("cells");
            assertEquals(100, cells.size(), "10 x 10 heat map");
            long sum = 0;
            long offDiagonal = 0;
            for (int i = 0; i < cells.size(); i++) {
                JsonNode c = cells.get(i);
                assertTrue(c.get("w").asDouble() > 10 && c.get("h").asDouble() > 10, "cell " + i + " drawn: " + c);
                sum += c.get("count").asLong();
                offDiagonal += i / 10 == i % 10 ? 0 : c.get("count").asLong();
            }
            assertEquals(testCount, sum, "the heat map counts every test sample once");
            double savedErrorPct = meta.get("metrics").get("test_error_pct").asDouble();
            assertEquals(savedErrorPct, 100.0 * offDiagonal / testCount, 1e-9,
                    "the heat map's errors are the saved model's test error");

            for (JsonNode d : page.get("digits")) {
                assertTrue(d.get("complete").asBoolean() && d.get("natural").asInt() == 28, "digit image decoded: " + d);
                assertEquals(56, d.get("inner").asInt(), "digits shown at twice their size (inside the border)");
            }
            for (JsonNode b : page.get("bars")) {
                assertTrue(b.get("w").asDouble() >= 1 && b.get("h").asDouble() > 0, "phase bar drawn: " + b);
            }
            assertTrue(page.get("bars").size() >= 6, "phases: " + page.get("bars"));

            List<String> console = browser.consoleLog();
            assertEquals(List.of(), console, "the browser console stays empty");
            // The console channel works: an error the page logs does arrive.
            browser.script("console.error('shallownet console probe');");
            assertTrue(browser.consoleLog().stream().anyMatch(e -> e.startsWith("SEVERE") && e.contains("console probe")));

            browser.resize(1200, Math.min(page.get("height").asInt() + 140, 8000));
            Path png = SCREENSHOTS.resolve(screenshot);
            browser.screenshot(png);
            BufferedImage shot = ImageIO.read(png.toFile());
            assertTrue(shot.getWidth() >= 1000 && shot.getHeight() >= 1500, shot.getWidth() + "x" + shot.getHeight());
            assertTrue(distinctColours(shot) > 20, "the screenshot shows the charts, not a blank page");
            System.out.println("report screenshot: " + png.toAbsolutePath() + " (" + shot.getWidth() + "x"
                    + shot.getHeight() + "), report " + report + " (" + Files.size(report) + " bytes)");
            return page;
        }
    }

    private static int distinctColours(BufferedImage img) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
