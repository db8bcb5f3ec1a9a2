package shallownet.testutil;

import java.util.ArrayList;
import java.util.List;

/** Java source read as code: comments apart from code, string literals as the compiler sees them. */
public final class JavaSources {

    /** A string literal (or text block) of a source, with the line it starts on; escapes left as written. */
    public record Literal(int line, String text) {
    }

    /**
     * A source split into its code without comments ({@code code}), the same with every string
     * literal emptied ({@code bare}), and its string literals.
     */
    public record Parsed(String code, String bare, List<Literal> literals) {
    }

    private JavaSources() {
    }

    public static Parsed parse(String source) {
        StringBuilder code = new StringBuilder();
        StringBuilder bare = new StringBuilder();
        List<Literal> literals = new ArrayList<>();
        int line = 1;
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (int k = i; k < end; k++) {
                    if (source.charAt(k) == '\n') {
                        line++;
                        code.append('\n');
                        bare.append('\n');
                    }
                }
                code.append(' ');
                bare.append(' ');
                i = end;
            } else if (c == '"' || c == '\'') {
                boolean block = c == '"' && source.startsWith("\"\"\"", i);
                String close = block ? "\"\"\"" : String.valueOf(c);
                int start = i + close.length();
                int k = start;
                while (k < n && !source.startsWith(close, k)) {
                    k += source.charAt(k) == '\\' ? 2 : 1;
                }
                String text = source.substring(start, Math.min(k, n));
                if (c == '"') {
                    literals.add(new Literal(line, text));
                }
                int end = Math.min(k + close.length(), n);
                String whole = source.substring(i, end);
                code.append(whole);
                int lines = (int) whole.chars().filter(ch -> ch == '\n').count();
                bare.append(c == '"' ? "\"\"" + "\n".repeat(lines) : whole);
                line += lines;
                i = end;
            } else {
                if (c == '\n') {
                    line++;
                }
                code.append(c);
                bare.append(c);
                i++;
            }
        }
        return new Parsed(code.toString(), bare.toString(), literals);
    }
}
