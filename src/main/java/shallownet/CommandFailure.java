package shallownet;

import java.util.function.UnaryOperator;

/**
 * A failure reported as one line ({@code error: <message>}), without a stack trace: a write that
 * failed, a run that cannot go on. Subclasses say why in their own type (the store's lock is held,
 * training diverged); which exit code each gets is the command line's business ({@code cli.ExitCode}).
 * {@link BadInputException} is the other such failure: input the user must fix.
 */
public class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Its message when it names settings, else null. */
    private final SettingWords words;

    public CommandFailure(String message) {
        super(message);
        this.words = null;
    }

    public CommandFailure(String message, Throwable cause) {
        super(message, cause);
        this.words = null;
    }

    /** A message that names settings by the core's names (see {@link SettingWords}). */
    public CommandFailure(SettingWords words) {
        super(words.toString());
        this.words = words;
    }

    /** The message with each setting it names rendered by {@code name} (e.g. the command line's flag). */
    public String message(UnaryOperator<String> name) {
        return words == null ? getMessage() : words.render(name);
    }

    /** The innermost message of a failure, e.g. "No space left on device" out of a wrapped FSError. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        int eol = m.indexOf('\n');
        return eol < 0 ? m : m.substring(0, eol);
    }
}
