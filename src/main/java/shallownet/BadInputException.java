package shallownet;

/**
 * Input the user must fix (a malformed data file, a missing directory, a model that does not
 * fit the data). The command line reports its message on one line, without a stack trace, and
 * exits with code 2. Messages start with the file they are about.
 */
public class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code "<path>: <problem>"}, the one shape every data error has. */
    public static BadInputException about(Object path, String problem) {
        return new BadInputException(path + ": " + problem);
    }
}
