package shallownet.testutil;

import java.util.ArrayList;
import java.util.List;

/** Java source read as the compiler does: comments apart from code, each string literal or text block whole. */
public final class JavaSources {

    /** A string literal or text block, escapes as written, with the line it starts on. */
    public record Literal(int line, String text) {
    }

    /** The code without comments, the same with every string emptied ({@code bare}), and the strings. */
    public record Parsed(String code, String bare, List<Literal> literals) {
    }

    private JavaSources() {
    }

    public static Parsed parse(String src) {
        StringBuilder code = new StringBuilder();
        StringBuilder bare = new StringBuilder();
        List<Literal> literals = new ArrayList<>();
        int line = 1;
        int n = src.length();
        for (int i = 0, end; i < n; i = end) {
            char c = src.charAt(i);
            if (src.startsWith("//", i) || src.startsWith("/*", i)) {
                end = c == '/' && src.charAt(i + 1) == '/' ? src.indexOf('\n', i) : src.indexOf("*/", i + 2);
                end = end < 0 ? n : src.charAt(i + 1) == '*' ? end + 2 : end;
                String kept = " " + "\n".repeat(lines(src, i, end));
                code.append(kept);
                bare.append(kept);
            } else if (c == '"' || c == '\'') {
                String quote = src.startsWith("\"\"\"", i) ? "\"\"\"" : String.valueOf(c);
                int k = i + quote.length();
                while (k < n && !src.startsWith(quote, k)) {
                    k += src.charAt(k) == '\\' ? 2 : 1;
                }
                end = Math.min(k + quote.length(), n);
                if (c == '"') {
                    literals.add(new Literal(line, src.substring(i + quote.length(), Math.min(k, n))));
                }
                code.append(src, i, end);
                bare.append(c == '"' ? "\"\"" + "\n".repeat(lines(src, i, end)) : src.substring(i, end));
            } else {
                end = i + 1;
                code.append(c);
                bare.append(c);
            }
            line += lines(src, i, end);
        }
        return new Parsed(code.toString(), bare.toString(), literals);
    }

    private static int lines(String s, int from, int to) {
        return (int) s.substring(from, to).chars().filter(ch -> ch == '\n').count();
    }
}
