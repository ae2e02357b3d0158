package vecopt.bench.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;

/** Each configuration of {@link MixedPrecisionBenchmark} sets up, runs every benchmark method and passes its check. */
class MixedPrecisionBenchmarkTest {

    @Test
    void everyConfigurationRunsTheFusedKernelTheEngineStepAndTheReference() {
        for (String config : new String[] {"mixed", "mixedsr", "fp32"}) {
            for (int threads : new int[] {1, 2}) {
                MixedPrecisionBenchmark b = new MixedPrecisionBenchmark();
                b.size = 4096 + 64;
                b.config = config;
                b.threads = threads;
                b.setUp();
                float[] master = b.fused().clone();
                assertFalse(Arrays.equals(master, b.fused()), config + ": the fused kernel did not move the master");
                Optimizer o = b.generic();
                b.generic();
                assertEquals(2, o.state("w").step(), config);
                b.bandwidth();
                b.check();
            }
        }
    }

    @Test
    void rejectsASizeThatIsNotAMultipleOf64() {
        MixedPrecisionBenchmark b = new MixedPrecisionBenchmark();
        b.size = 100;
        b.config = "mixed";
        b.threads = 1;
        assertEquals("size must be a multiple of 64, got 100",
                assertThrows(IllegalArgumentException.class, b::setUp).getMessage());
    }
}
