package shallownet.testutil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The project's Markdown (README.md, docs/*.md) as tests read it: headings with their GitHub anchors,
 * and the code blocks of a section, so that a test runs or compares the very text a user copies.
 */
public final class Docs {

    /** A heading: its level (number of #), its text and the anchor GitHub gives it. */
    public record Heading(int level, String text, String anchor) {}

    private Docs() {}

    /** A project file's text, {@code relative} to the project directory (e.g. "docs/cluster.md"). */
    public static String read(String relative) {
        try {
            return Files.readString(StandaloneCluster.projectDir().resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The headings of a Markdown text in order, lines inside fenced code blocks excluded. */
    public static List<Heading> headings(String markdown) {
        List<Heading> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        String fence = null;
        for (String line : markdown.split("\n", -1)) {
            String trimmed = line.strip();
            if (fence != null) {
                if (trimmed.startsWith(fence) && trimmed.substring(fence.length()).isBlank()) {
                    fence = null;
                }
                continue;
            }
            if (trimmed.startsWith("```") || trimmed.startsWith("~~~")) {
                fence = trimmed.substring(0, 3);
                continue;
            }
            int level = headingLevel(line);
            if (level == 0) {
                continue;
            }
            String text = line.substring(level + 1).strip();
            // GitHub numbers repeated anchors: the second "x" is "x-1".
            String slug = slug(text);
            int n = seen.merge(slug, 1, Integer::sum);
            out.add(new Heading(level, text, n == 1 ? slug : slug + "-" + (n - 1)));
        }
        return out;
    }

    /**
     * GitHub's anchor for a heading: lower case, every character but letters, digits, '-', '_' and
     * spaces dropped (backticks, parentheses, colons, quotes...), spaces turned into '-'.
     */
    public static String slug(String heading) {
        StringBuilder b = new StringBuilder();
        for (char c : heading.toLowerCase(Locale.ROOT).toCharArray()) {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                b.append(c);
            } else if (c == ' ') {
                b.append('-');
            }
        }
        return b.toString();
    }

    /**
     * The lines of the section under the heading {@code heading} of {@code relative}, up to the next
     * heading of the same or a higher level (lines of code blocks that look like headings do not end it).
     */
    public static List<String> section(String relative, String heading) {
        List<String> lines = new ArrayList<>();
        int level = -1;
        boolean inFence = false;
        for (String line : read(relative).split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
            }
            int h = inFence || line.strip().startsWith("```") ? 0 : headingLevel(line);
            if (level > 0) {
                if (h > 0 && h <= level) {
                    break;
                }
                lines.add(line);
            } else if (h > 0 && line.substring(h + 1).strip().equals(heading)) {
                level = h;
            }
        }
        if (level < 0) {
            throw new IllegalStateException(relative + ": no heading '" + heading + "'");
        }
        return lines;
    }

    /**
     * The fenced code blocks of the section under {@code heading} of {@code relative}, each without its
     * fences and with the indentation of its opening fence removed (a block inside a list item is indented).
     */
    public static List<String> codeBlocks(String relative, String heading) {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        String indent = "";
        for (String line : section(relative, heading)) {
            if (block == null && line.strip().startsWith("```")) {
                block = new StringBuilder();
                indent = line.substring(0, line.indexOf('`'));
            } else if (block != null && line.strip().equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line.startsWith(indent) ? line.substring(indent.length()) : line.strip()).append('\n');
            }
        }
        if (blocks.isEmpty()) {
            throw new IllegalStateException(relative + ": no code block under '" + heading + "'");
        }
        return blocks;
    }

    /**
     * The first column of the first table of the section under {@code heading} of {@code relative},
     * one cell a row, header and separator rows left out.
     */
    public static List<String> firstColumn(String relative, String heading) {
        List<String> cells = new ArrayList<>();
        for (String line : section(relative, heading)) {
            if (line.startsWith("|")) {
                // "\|" inside a cell is a literal bar, not a column break
                cells.add(line.substring(1).split("(?<!\\\\)\\|", 2)[0].strip());
            } else if (!cells.isEmpty()) {
                break;
            }
        }
        if (cells.size() < 3) {
            throw new IllegalStateException(relative + ": no table under '" + heading + "'");
        }
        return cells.subList(2, cells.size());
    }

    private static int headingLevel(String line) {
        int level = 0;
        while (level < line.length() && line.charAt(level) == '#') {
            level++;
        }
        return level > 0 && level <= 6 && level < line.length() && line.charAt(level) == ' ' ? level : 0;
    }

    /** The one line of the code blocks under {@code heading} that starts with {@code prefix}. */
    public static String commandLine(String relative, String heading, String prefix) {
        List<String> found = new ArrayList<>();
        for (String block : codeBlocks(relative, heading)) {
            block.lines().filter(l -> l.startsWith(prefix)).forEach(found::add);
        }
        if (found.size() != 1) {
            throw new IllegalStateException(relative + ", '" + heading + "': expected one line starting with '"
                    + prefix + "', found " + found);
        }
        return found.get(0);
    }
}
