package shallownet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import shallownet.train.EpochMetrics;

/** The report page read back as XML: what each chart and table says against the data it was made from. */
class ReportHtmlTest {

    private static final long[][] CONFUSION = {{5, 1, 0}, {2, 6, 2}, {0, 0, 4}};

    private static List<EpochMetrics> history(boolean validation) {
        List<EpochMetrics> h = new ArrayList<>();
        double[] loss = {0.24, 0.05, 0.03, 0.02};
        for (int e = 0; e < loss.length; e++) {
            h.add(new EpochMetrics(e, loss[e], 90.0 / (e + 1), loss[e] * 1.1, 80.0 / (e + 1), 10.0 * e, 10.0,
                    validation ? loss[e] * 1.2 : Double.NaN, validation ? 85.0 / (e + 1) : Double.NaN));
        }
        return h;
    }

    private static byte[] digitPixels(int seed) {
        byte[] px = new byte[28 * 28];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) ((i * 31 + seed * 7) & 0xff);
        }
        return px;
    }

    private static TrainingReport report(boolean validation, long[][] confusion, List<TrainingReport.Digit> digits) {
        return new TrainingReport("shallownet <training> report",
                List.of(new TrainingReport.Entry("test error", "4.34 %")),
                List.of(new TrainingReport.Entry("model", "<b>models/x</b> & 'y' \"z\""),
                        new TrainingReport.Entry("batch size", "100")),
                List.of(new TrainingReport.Fingerprint("train images", "/data/train-images-idx3-ubyte.gz",
                        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 60000, "28x28")),
                history(validation), "epoch", confusion, digits,
                List.of(new TrainingReport.Phase("load", 2.0), new TrainingReport.Phase("training", 6.0)));
    }

    private static Document parse(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    private static NodeList nodes(Document d, String xpath) throws Exception {
        XPath x = XPathFactory.newInstance().newXPath();
        return (NodeList) x.evaluate(xpath, d, XPathConstants.NODESET);
    }

    private static double[][] points(Document d, String chart, String series) throws Exception {
        NodeList l = nodes(d, "//svg[@id='" + chart + "']/g[@data-series='" + series + "']/polyline");
        assertEquals(1, l.getLength(), chart + " " + series);
        String[] pts = ((Element) l.item(0)).getAttribute("points").split(" ");
        double[][] out = new double[pts.length][];
        for (int i = 0; i < pts.length; i++) {
            String[] xy = pts[i].split(",");
            out[i] = new double[] {Double.parseDouble(xy[0]), Double.parseDouble(xy[1])};
        }
        return out;
    }

    @Test
    void curvesHaveOnePointPerEpochAndFollowTheValues() throws Exception {
        Document d = parse(ReportHtml.render(report(true, CONFUSION, List.of())));
        for (String chart : List.of("loss-chart", "error-chart")) {
            for (String series : List.of("train", "test", "validation")) {
                double[][] p = points(d, chart, series);
                assertEquals(4, p.length, chart + " " + series + ": one point per evaluated epoch");
                for (int i = 1; i < p.length; i++) {
                    assertTrue(p[i][0] > p[i - 1][0], "epochs left to right");
                    assertTrue(p[i][1] > p[i - 1][1], chart + " " + series + ": falling values go down the chart (SVG y grows downwards)");
                }
            }
        }
        // The test loss is 1.1 x the train loss at every epoch: its points sit higher (smaller y).
        double[][] train = points(d, "loss-chart", "train");
        double[][] test = points(d, "loss-chart", "test");
        for (int i = 0; i < train.length; i++) {
            assertTrue(test[i][1] < train[i][1]);
        }
        assertEquals(4, nodes(d, "//table[@id='history']/tbody/tr").getLength());
    }

    @Test
    void withoutValidationThereIsNoValidationSeries() throws Exception {
        Document d = parse(ReportHtml.render(report(false, CONFUSION, List.of())));
        assertEquals(0, nodes(d, "//g[@data-series='validation']").getLength());
        assertEquals(2, nodes(d, "//svg[@id='loss-chart']/g[@class='series']").getLength());
        assertEquals(5, nodes(d, "//table[@id='history']/thead/tr/th").getLength() - 1, "epoch + 4 figures + seconds");
    }

    @Test
    void heatMapCellsHoldTheConfusionCounts() throws Exception {
        long[][] big = new long[10][10];
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                big[t][p] = t == p ? 900 + t : (t * 3 + p) % 4;
            }
        }
        Document d = parse(ReportHtml.render(report(false, big, List.of())));
        NodeList cells = nodes(d, "//svg[@id='confusion-chart']/g[@class='cell']");
        assertEquals(100, cells.getLength());
        for (int i = 0; i < cells.getLength(); i++) {
            Element c = (Element) cells.item(i);
            int t = Integer.parseInt(c.getAttribute("data-true"));
            int p = Integer.parseInt(c.getAttribute("data-predicted"));
            assertEquals(big[t][p], Long.parseLong(c.getAttribute("data-count")));
            NodeList text = c.getElementsByTagName("text");
            assertEquals(big[t][p] == 0 ? 0 : 1, text.getLength(), "count printed in non-empty cells");
            if (big[t][p] > 0) {
                assertEquals(String.valueOf(big[t][p]), text.item(0).getTextContent());
            }
        }
    }

    @Test
    void perClassPrecisionAndRecall() throws Exception {
        Document d = parse(ReportHtml.render(report(false, CONFUSION, List.of())));
        NodeList rows = nodes(d, "//table[@id='class-scores']/tbody/tr");
        assertEquals(3, rows.getLength());
        // class: precision = diagonal / column sum, recall = diagonal / row sum, support = row sum
        String[][] expected = {{"0", "71.43", "83.33", "6"}, {"1", "85.71", "60.00", "10"}, {"2", "66.67", "100.00", "4"}};
        for (int r = 0; r < 3; r++) {
            NodeList tds = ((Element) rows.item(r)).getElementsByTagName("td");
            for (int c = 0; c < 4; c++) {
                assertEquals(expected[r][c], tds.item(c).getTextContent(), "row " + r + " column " + c);
            }
        }
        String text = nodes(d, "//section[@id='confusion']/p").item(0).getTextContent();
        assertTrue(text.startsWith("5 of 20 test samples misclassified (25.00 %)"), text);
    }

    @Test
    void aClassNeverPredictedHasNoPrecision() {
        ClassScores[] s = ClassScores.of(new long[][] {{3, 0}, {2, 0}});
        assertTrue(Double.isNaN(s[1].precision()));
        assertEquals(0.0, s[1].recall());
        assertEquals(0.6, s[0].precision(), 1e-12);
    }

    @Test
    void misclassifiedDigitsAreTheirPixelsWithTheirLabels() throws Exception {
        List<TrainingReport.Digit> digits = List.of(new TrainingReport.Digit(7, digitPixels(1), 28, 28, 4, 9),
                new TrainingReport.Digit(115, digitPixels(2), 28, 28, 3, 5));
        Document d = parse(ReportHtml.render(report(false, CONFUSION, digits)));
        NodeList figs = nodes(d, "//div[@class='digits']/figure");
        assertEquals(2, figs.getLength());
        for (int i = 0; i < 2; i++) {
            Element f = (Element) figs.item(i);
            TrainingReport.Digit digit = digits.get(i);
            assertEquals(String.valueOf(digit.index()), f.getAttribute("data-index"));
            assertEquals("#" + digit.index() + " " + digit.trueLabel() + "\u2192" + digit.predicted(),
                    f.getElementsByTagName("figcaption").item(0).getTextContent());
            String src = ((Element) f.getElementsByTagName("img").item(0)).getAttribute("src");
            assertTrue(src.startsWith("data:image/png;base64,"));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(src.substring(22))));
            assertEquals(28, img.getWidth());
            assertEquals(28, img.getHeight());
            for (int p = 0; p < 28 * 28; p++) {
                int gray = img.getRaster().getSample(p % 28, p / 28, 0);
                assertEquals(255 - (digit.pixels()[p] & 0xff), gray, "pixel " + p + ": black ink on white");
            }
        }
    }

    @Test
    void textIsEscapedAndThePageIsSelfContained() throws Exception {
        String html = ReportHtml.render(report(false, CONFUSION, List.of()));
        Document d = parse(html);
        assertEquals("shallownet <training> report", nodes(d, "//h1").item(0).getTextContent());
        NodeList cells = nodes(d, "//table[@id='configuration-table']/tbody/tr[1]/td[2]");
        assertEquals("<b>models/x</b> & 'y' \"z\"", cells.item(0).getTextContent());
        assertEquals(0, nodes(d, "//table[@id='configuration-table']//b").getLength());
        assertEquals(0, nodes(d, "//script").getLength());
        NodeList refs = nodes(d, "//@src | //@href");
        for (int i = 0; i < refs.getLength(); i++) {
            assertTrue(refs.item(i).getNodeValue().startsWith("data:"), "no external resource: " + refs.item(i).getNodeValue());
        }
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/", "").contains("http://"),
                "no links other than XML namespaces");
        assertEquals(2, nodes(d, "//svg[@id='phase-chart']/g[@class='bar']").getLength());
    }

    @Test
    void logAxisWhenTheValuesSpanAFactorAboveThreeLinearWithAZero() throws Exception {
        assertEquals(List.of(0.01, 0.02, 0.05, 0.1, 0.2, 0.5), boxed(LineChart.logTicks(0.0143, 0.2396)));
        assertEquals(List.of(2.0, 5.0, 10.0, 20.0, 50.0, 100.0), boxed(LineChart.logTicks(4.34, 87.07)));
        assertEquals(List.of(1.0, 2.0), boxed(LineChart.logTicks(1.0, 2.0)), "ticks at the values themselves");
        assertEquals(List.of(0.0, 20.0, 40.0, 60.0, 80.0, 100.0), boxed(LineChart.linearTicks(87.07)));
        assertEquals("0.05", LineChart.tickLabel(0.05));
        assertEquals("0.15", LineChart.tickLabel(3 * 0.05));

        Document d = parse(ReportHtml.render(report(false, CONFUSION, List.of())));
        // Losses 0.24 .. 0.02 (x 1.1 for test): log; errors 90 % .. 20 %: a factor 4.5, log too.
        assertEquals("log", attr(d, "//svg[@id='loss-chart']/g[contains(@class,'y-axis')]/@data-scale"));
        // Equal ratios are equal distances on a log axis: train loss 0.24 -> 0.03 is 8x, as is 0.16 -> 0.02.
        double[][] p = points(d, "loss-chart", "train");
        double perDecade = (p[3][1] - p[0][1]) / Math.log10(0.24 / 0.02);
        assertEquals(perDecade * Math.log10(0.05 / 0.03), p[2][1] - p[1][1], 0.15);

        List<EpochMetrics> zero = List.of(new EpochMetrics(0, 0.2, 50, 0.2, 40, 1, 1), new EpochMetrics(1, 0.01, 0, 0.02, 0, 2, 1));
        TrainingReport r = report(false, CONFUSION, List.of());
        Document z = parse(ReportHtml.render(new TrainingReport(r.title(), r.summary(), r.configuration(), r.data(), zero,
                "epoch", CONFUSION, List.of(), r.phases())));
        assertEquals("linear", attr(z, "//svg[@id='error-chart']/g[contains(@class,'y-axis')]/@data-scale"),
                "a 0 % error has no logarithm");
        double[][] e = points(z, "error-chart", "test");
        assertEquals(LineChart.HEIGHT - 40, e[1][1], 0.05, "0 % on the x axis");
    }

    @Test
    void extraSectionsComeUnderTheHeadlineEscapedAndAPlainReportHasNone() throws Exception {
        TrainingReport r = report(false, CONFUSION, List.of());
        assertEquals(0, nodes(parse(ReportHtml.render(r)), "//section[@class='extra']").getLength());
        TrainingReport withGate = new TrainingReport(r.title(), r.summary(), r.configuration(), r.data(), r.history(),
                r.epochUnit(), r.confusion(), r.misclassified(), r.phases(), List.of(new TrainingReport.Section("gate",
                "Quality gate & promotion", List.of(new TrainingReport.Entry("verdict", "failed"),
                        new TrainingReport.Entry("reason", "test error 6.45 % is above the maximum <5.00 %>")))));
        Document d = parse(ReportHtml.render(withGate));
        NodeList sections = nodes(d, "//body/*[self::header or self::section]");
        assertEquals("header", sections.item(0).getNodeName());
        assertEquals("gate", ((Element) sections.item(1)).getAttribute("id"), "right under the headline");
        assertEquals("Quality gate & promotion", nodes(d, "//section[@id='gate']/h2").item(0).getTextContent());
        NodeList cells = nodes(d, "//table[@id='gate-table']/tbody/tr/td");
        assertEquals("verdict", cells.item(0).getTextContent());
        assertEquals("failed", cells.item(1).getTextContent());
        assertEquals("test error 6.45 % is above the maximum <5.00 %>", cells.item(3).getTextContent());
        assertThrows(IllegalArgumentException.class,
                () -> new TrainingReport.Section("Gate Verdict", "x", List.of()));
    }

    private static List<Double> boxed(double[] v) {
        List<Double> out = new ArrayList<>();
        for (double x : v) {
            out.add(Double.parseDouble(LineChart.tickLabel(x)));
        }
        return out;
    }

    private static String attr(Document d, String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, d);
    }
}
