package shallownet.report;

import java.util.Locale;

/** Text escaping and number formatting for the report's markup (XML-compatible, locale-independent). */
final class Markup {

    private Markup() {
    }

    /** {@code s} safe as element text and as a double- or single-quoted attribute value. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // Control characters other than tab and newlines are not allowed in XML at all.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append('?');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** {@code v} with {@code digits} decimals, or an en dash when it is not a number. */
    static String num(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "\u2013";
    }

    /** A coordinate: short, and always a valid SVG number. */
    static String coord(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
