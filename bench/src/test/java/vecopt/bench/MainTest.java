package vecopt.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The usage text and the dispatch both come from the one table of commands. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryCommandWithItsUsageAndDescription() throws Exception {
        assertEquals(0, run("--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("usage: java -jar vecopt-bench.jar <command> [args]\n"), help);
        for (Command c : Main.COMMANDS) {
            assertTrue(help.contains("\n  " + c.usage() + "\n      " + c.description() + "\n"), c.name() + " in " + help);
            assertTrue(c.usage().startsWith(c.name() + " "), c.usage());
        }
    }

    @Test
    void anUnknownCommandOrNoneFailsWithTheUsageOnStandardError() throws Exception {
        assertEquals(2, run("benchmark"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("unknown command: benchmark\nusage: "));
        err.reset();
        assertEquals(2, run());
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: "));
    }

    @Test
    void aCommandGetsTheArgumentsAfterItsName() throws Exception {
        assertEquals(2, run("convergence", "--bogus"));
        assertEquals("convergence: unknown option --bogus\nusage: convergence [--out DIR] [--quick] "
                        + "[--dataset digits|fashion-mnist] [--data DIR] [--export-protocol DIR] [--torch FILE] [--threads 1|2]\n",
                err.toString(StandardCharsets.UTF_8));
    }
}
