package vecopt.bench.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistributedCommandTest {

    private static int run(List<String> args, ByteArrayOutputStream out, ByteArrayOutputStream err) throws Exception {
        return DistributedCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void refusesAnUnknownAlgorithmNamingTheChoices() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        assertEquals(2, run(List.of("--algorithm", "gossip"), out, err));
        assertEquals("distributed: unknown algorithm gossip; choose one of [sync, downpour, downpour-dt, easgd, "
                + "easgd-sync, eamsgd, hogwild, hogwild-locked] or all\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void refusesANonPositiveMemberCount() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        assertEquals(2, run(List.of("--members", "0"), out, err));
        assertEquals("distributed: --members must be a positive whole number, got 0\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trainsTheDigitsOnTwoMembersAndWritesTheChartAndTable(@TempDir Path dir) throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = run(List.of("--members", "2", "--workers", "2", "--algorithm", "sync", "--steps", "40",
                "--out", dir.toString()), out, err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text + err);
        assertTrue(text.contains("2 workers synchronous (Adam):"), text);
        assertTrue(Files.size(dir.resolve("digits-distributed.png")) > 10_000);
        String table = Files.readString(dir.resolve("digits-distributed.md"));
        assertTrue(table.contains("| 2 workers synchronous (Adam) |"), table);
    }
}
