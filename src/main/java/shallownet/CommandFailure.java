package shallownet;

/**
 * A failure the command line reports as one line ({@code error: <message>}) with its own exit
 * code, rather than the generic 1: e.g. 4 when another run holds the model store's lock, 5 when
 * training diverged. {@link BadInputException} (code 2) is the other such failure.
 */
public class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CommandFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CommandFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
