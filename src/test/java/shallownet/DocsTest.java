package shallownet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import shallownet.testutil.Docs;
import shallownet.testutil.Docs.Heading;
import shallownet.testutil.StandaloneCluster;

/** The README stays what a newcomer reads first, and the README and docs/ pages hold together. */
class DocsTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern TOC_ENTRY = Pattern.compile("( *)- \\[([^\\]]+)\\]\\(#([^)]+)\\)");

    @Test
    void theReadmeHasAtMost300Lines() {
        long lines = Docs.read("README.md").lines().count();
        assertTrue(lines <= 300, "README.md has " + lines + " lines; move details to a docs/ page");
    }

    @Test
    void theReadmeContentsListIsItsHeadings() {
        String readme = Docs.read("README.md");
        List<Heading> headings = Docs.headings(readme);
        int contents = headings.indexOf(new Heading(2, "Contents", "contents"));
        assertTrue(contents >= 0, "README.md has no '## Contents' heading");
        // the list right under "## Contents", one entry per heading of level 2 and 3 after it
        String list = readme.substring(readme.indexOf("## Contents\n") + "## Contents\n".length()).strip();
        List<Heading> listed = new ArrayList<>();
        for (String line : list.split("\n")) {
            if (line.isBlank()) {
                break;
            }
            Matcher m = TOC_ENTRY.matcher(line);
            assertTrue(m.matches(), "not a contents entry: " + line);
            listed.add(new Heading(2 + m.group(1).length() / 2, m.group(2), m.group(3)));
        }
        List<Heading> expected = headings.subList(contents + 1, headings.size()).stream()
                .filter(h -> h.level() == 2 || h.level() == 3).toList();
        assertEquals(expected, listed, "README.md's contents list differs from its headings");
    }

    @Test
    void everyRelativeLinkPointsToAnExistingFileAndHeading() throws IOException {
        Path project = StandaloneCluster.projectDir();
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages()) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("[a-z][a-z0-9+.-]*:.*")) {
                    continue; // https:, mailto: ... are not files of the project
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = project.relativize(page) + ": link " + target;
                if (!resolved.startsWith(project) || !Files.exists(resolved)) {
                    broken.add(where + ": no such file");
                } else if (hash >= 0) {
                    String anchor = target.substring(hash + 1);
                    boolean found = resolved.toString().endsWith(".md")
                            && Docs.headings(Files.readString(resolved)).stream().anyMatch(h -> h.anchor().equals(anchor));
                    if (!found) {
                        broken.add(where + ": no heading with that anchor in " + project.relativize(resolved));
                    }
                }
            }
        }
        assertTrue(checked > 20, "only " + checked + " relative links found: is the link pattern still right?");
        assertEquals(List.of(), broken);
    }

    @Test
    void theReadmeLinksEveryDocsPage() throws IOException {
        List<String> linked = links(Docs.read("README.md"));
        List<String> missing = pages().stream().map(p -> StandaloneCluster.projectDir().relativize(p).toString())
                .filter(p -> p.startsWith("docs/") && linked.stream().noneMatch(l -> l.equals(p) || l.startsWith(p + "#")))
                .toList();
        assertEquals(List.of(), missing, "docs pages not linked from README.md");
    }

    @Test
    void anchorsAreGitHubs() {
        // anchors as github.com renders them for headings of this project
        assertEquals("set-up-two-commands", Docs.slug("Set-up: two commands"));
        assertEquals("training-report---report-file", Docs.slug("Training report (`--report FILE`)"));
        assertEquals("scripts-submitsh-and-clustersh", Docs.slug("Scripts: `submit.sh` and `cluster.sh`"));
        assertEquals("the-notebooks-figures-next-to-this-projects", Docs.slug("The notebook's figures next to this project's"));
        List<Heading> h = Docs.headings("# A\n```\n# not a heading\n```\n## A\n### B_c 2\n");
        assertEquals(List.of(new Heading(1, "A", "a"), new Heading(2, "A", "a-1"), new Heading(3, "B_c 2", "b_c-2")), h);
    }

    /** README.md and every docs/*.md. */
    private static List<Path> pages() throws IOException {
        Path project = StandaloneCluster.projectDir();
        List<Path> pages = new ArrayList<>(List.of(project.resolve("README.md")));
        try (Stream<Path> docs = Files.list(project.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The targets of the Markdown links of a page, outside code blocks and inline code. */
    private static List<String> links(String markdown) {
        List<String> out = new ArrayList<>();
        boolean fence = false;
        for (String line : markdown.split("\n")) {
            if (line.strip().startsWith("```")) {
                fence = !fence;
                continue;
            }
            if (fence) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
