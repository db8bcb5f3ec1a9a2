package shallownet.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@link Main} in this JVM and captures what it prints, which then goes nowhere else. */
final class CliRunner {

    record Outcome(int exitCode, String out, String err) {
    }

    static synchronized Outcome run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            // Not echoed: the tests assert on it and put it in their failure messages; echoing
            // filled the build log with expected errors and progress lines' carriage returns.
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
