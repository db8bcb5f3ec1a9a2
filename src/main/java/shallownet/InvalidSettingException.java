package shallownet;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A setting the core does not accept (a recipe's field, a gate's limit), in the core's own words:
 * the message names settings by the core's names ({@code learningRate must be a positive number,
 * got 0}). Whoever offers the setting under another name renders the message in its own words
 * ({@link #message}): the command line with its flags ({@code --lr}), Spark ML with its params.
 */
public class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final SettingWords words;

    /**
     * @param template the message with one {@code {}} per setting named, in order
     * @param settings the core's names of the settings, e.g. {@code learningRate}
     */
    public InvalidSettingException(String template, String... settings) {
        this(SettingWords.template(template, List.of(settings)));
    }

    /** A message of text and {@link SettingWords.Setting}s. */
    public InvalidSettingException(SettingWords words) {
        super(words.toString());
        this.words = words;
    }

    /** The message with each setting named by {@code name} (e.g. the command line's flag). */
    public String message(UnaryOperator<String> name) {
        return words.render(name);
    }
}
