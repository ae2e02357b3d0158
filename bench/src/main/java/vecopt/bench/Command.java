package vecopt.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * One command of the tool: the name it is called by, its usage line and description for the help
 * text, and the code that runs it.
 *
 * @param name        the first argument that selects it, e.g. {@code suite}
 * @param usage       the command with its options, e.g. {@code parity FILE...}
 * @param description what it does and writes, in one line
 * @param handler     runs it with the arguments after the name
 */
record Command(String name, String usage, String description, Handler handler) {

    /** Runs a command with the arguments after its name and returns the process exit status. */
    @FunctionalInterface
    interface Handler {
        int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
    }
}
