package vecopt.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuiteSettingsTest {

    @Test
    void defaultsAreQuickOnOneAndAllCoresIntoBenchResults() {
        SuiteSettings s = SuiteSettings.parse(List.of(), 8);
        assertEquals(SuiteMode.QUICK, s.mode());
        assertEquals(List.of(4096, 65536, 1048576), s.sizes());
        assertEquals(List.of(1, 8), s.threads());
        assertEquals(Path.of("bench-results"), s.out());
        assertTrue(s.include().matcher("vecopt.bench.speed.SgdBenchmark.panama").find());
        assertFalse(s.dryRun());
        assertNull(s.fromJson());
        assertEquals(List.of(1), SuiteSettings.parse(List.of(), 1).threads());
    }

    @Test
    void fullModeTakesAllFiveSizes() {
        assertEquals(List.of(4096, 65536, 1 << 20, 1 << 24, 1 << 26), SuiteSettings.parse(List.of("--full"), 2).sizes());
    }

    @Test
    void sizesAndThreadsOverrideTheMode() {
        SuiteSettings s = SuiteSettings.parse(List.of("--full", "--sizes", "256Ki,4096,16ki,1Mi,65536",
                "--threads", "2,1", "--include", "Sgd", "--out", "/tmp/x", "--dry-run"), 2);
        assertEquals(SuiteMode.FULL, s.mode());
        assertEquals(List.of(4096, 16384, 65536, 262144, 1048576), s.sizes());
        assertEquals(List.of(1, 2), s.threads());
        assertEquals("Sgd", s.include().pattern());
        assertEquals(Path.of("/tmp/x"), s.out());
        assertTrue(s.dryRun());
    }

    @Test
    void badArgumentsSayWhatIsWrong() {
        assertEquals("unknown option --fast", message("--fast"));
        assertEquals("--include needs a value", message("--include"));
        assertEquals("--sizes takes positive whole numbers such as 4096 or 64Ki, got 4k", message("--sizes", "4k"));
        assertEquals("--threads values must be between 1 and 2^31 - 65, got 0", message("--threads", "1,0"));
        assertEquals("--sizes values must be between 1 and 2^31 - 65, got 4096Mi", message("--sizes", "4096Mi"));
        assertTrue(message("--include", "(").startsWith("--include ( is not a regular expression"));
    }

    private static String message(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> SuiteSettings.parse(List.of(args), 2)).getMessage();
    }
}
