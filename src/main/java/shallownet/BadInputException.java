package shallownet;

import java.util.function.UnaryOperator;

/**
 * Input the user must fix (a malformed data file, a missing directory, a model that does not
 * fit the data). The command line reports its message on one line, without a stack trace, and
 * exits with code 2. Messages start with the file they are about.
 */
public class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Its message when it names settings, else null. */
    private final SettingWords words;

    public BadInputException(String message) {
        super(message);
        this.words = null;
    }

    /** A message that names settings by the core's names (see {@link SettingWords}). */
    public BadInputException(SettingWords words) {
        super(words.toString());
        this.words = words;
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
        this.words = null;
    }

    /** Its message when it names settings, else null. */
    public SettingWords words() {
        return words;
    }

    /** The message with each setting it names rendered by {@code name} (e.g. the command line's flag). */
    public String message(UnaryOperator<String> name) {
        return words == null ? getMessage() : words.render(name);
    }

    /** {@code "<path>: <problem>"}, the one shape every data error has. */
    public static BadInputException about(Object path, String problem) {
        return new BadInputException(path + ": " + problem);
    }

    /** {@code "<path>: <problem>"}, where the problem names settings (e.g. {@code setting("overwrite")}). */
    public static BadInputException about(Object path, Object... problem) {
        Object[] pieces = new Object[problem.length + 1];
        pieces[0] = path + ": ";
        System.arraycopy(problem, 0, pieces, 1, problem.length);
        return new BadInputException(SettingWords.of(pieces));
    }
}
