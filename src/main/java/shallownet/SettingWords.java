package shallownet;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A message that names settings by the core's names, one camelCase name per setting
 * ({@code learningRate}, {@code runId}, {@code driverMemory}), rendered in the words of whoever offers them: the command line with its
 * flags, Spark ML with its params or Spark's configuration keys. Text and settings are kept apart,
 * so a value in the text (a path, a run id) is never taken for a setting.
 */
public final class SettingWords implements Serializable {

    private static final long serialVersionUID = 1L;

    /** A setting named in a message, by the core's name. */
    public record Setting(String name) implements Serializable {
    }

    private final List<Object> pieces;

    private SettingWords(List<Object> pieces) {
        this.pieces = List.copyOf(pieces);
    }

    /** The setting {@code name}, for {@link #of}. */
    public static Setting setting(String name) {
        return new Setting(name);
    }

    /** A message of text ({@code String}s, or any value), {@link Setting}s and other messages, in order. */
    public static SettingWords of(Object... pieces) {
        List<Object> p = new ArrayList<>();
        for (Object o : pieces) {
            if (o instanceof SettingWords w) {
                p.addAll(w.pieces);
            } else {
                p.add(o instanceof Setting ? o : String.valueOf(o));
            }
        }
        return new SettingWords(p);
    }

    /** A message with one {@code {}} per setting, in order (values must not hold {@code {}}). */
    public static SettingWords template(String template, List<String> settings) {
        List<Object> p = new ArrayList<>();
        int from = 0;
        for (String s : settings) {
            int at = template.indexOf("{}", from);
            if (at < 0) {
                break;
            }
            p.add(template.substring(from, at));
            p.add(new Setting(s));
            from = at + 2;
        }
        p.add(template.substring(from));
        return new SettingWords(p);
    }

    /**
     * The naming rule: the lower-case words of a core name ({@code driverMemory} gives
     * {@code driver}, {@code memory}), which whoever offers the setting joins in its own way: the
     * command line's flag {@code --driver-memory}, Spark's key {@code spark.driver.memory}.
     */
    public static List<String> words(String name) {
        return List.of(name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT).split(" "));
    }

    /** The message with each setting named by {@code name} (e.g. the command line's flag). */
    public String render(UnaryOperator<String> name) {
        StringBuilder b = new StringBuilder();
        for (Object o : pieces) {
            b.append(o instanceof Setting s ? name.apply(s.name()) : (String) o);
        }
        return b.toString();
    }

    /** The message in the core's words. */
    @Override
    public String toString() {
        return render(UnaryOperator.identity());
    }
}
