package vecopt.bench.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import vecopt.engine.StateFormat;

/**
 * The memory each configuration holds per parameter element: the formula, written out here by hand
 * for each configuration, and the resident set a child JVM grows by, which must agree with it.
 */
class MemoryFootprintTest {

    private static MemoryFootprint.Config config(String label) {
        return MemoryFootprint.CONFIGS.stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow();
    }

    @Test
    void theFormulaCountsWeightsGradientMasterAndEachStateBuffer() {
        assertEquals(4 + 4 + 2 * 4, MemoryFootprint.formula(config("Adam, float32")));
        assertEquals(4 + 4 + 2 * 2, MemoryFootprint.formula(config("Adam, bf16 moments")));
        assertEquals(4 + 4 + 2 * (1 + 4.0 / 256), MemoryFootprint.formula(config("Adam, 8-bit moments")));
        assertEquals(2 + 2 + 4 + 2 * 4,
                MemoryFootprint.formula(config("Adam, bf16 weights and gradients, float32 master and moments")));
        assertEquals(2 + 2 + 4 + 2 * 2,
                MemoryFootprint.formula(config("Adam, bf16 weights and gradients, float32 master, bf16 moments")));
        assertEquals(4 + 4 + 4, MemoryFootprint.formula(config("SGD momentum, float32")));
        assertEquals(4 + 4 + 1 + 4.0 / 256, MemoryFootprint.formula(config("SGD momentum, 8-bit")));
    }

    @Test
    void everyStateFormatAndEveryWeightWidthIsMeasured() {
        for (StateFormat.Kind kind : StateFormat.Kind.values()) {
            assertTrue(MemoryFootprint.CONFIGS.stream().anyMatch(c -> c.format().kind() == kind),
                    "no configuration stores its state as " + kind);
        }
        for (int width : List.of(2, 4)) {
            assertTrue(MemoryFootprint.CONFIGS.stream().anyMatch(c -> c.weights().byteSize() == width),
                    "no configuration has " + width + "-byte weights");
        }
    }

    @Test
    void aChildJvmsResidentSetGrowsByTheFormula() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "no /proc/self/status: resident set not measurable here");
        int n = 1 << 23;
        for (String label : List.of("Adam, float32", "Adam, 8-bit moments",
                "Adam, bf16 weights and gradients, float32 master, bf16 moments")) {
            MemoryFootprint.Result r = MemoryFootprint.measure(MemoryFootprint.CONFIGS.indexOf(config(label)), n);
            assertTrue(!Double.isNaN(r.measured()), label + ": " + r.note());
            assertTrue(r.agrees(), label + ": measured " + r.measured() + " bytes per element, formula " + r.formula());
        }
    }
}
