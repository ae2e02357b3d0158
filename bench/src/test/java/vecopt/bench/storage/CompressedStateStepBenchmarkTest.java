package vecopt.bench.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;

/** Each configuration of {@link CompressedStateStepBenchmark} sets up, steps and passes its check. */
class CompressedStateStepBenchmarkTest {

    @Test
    void everyRuleAndFormatSteps() {
        for (String rule : new String[] {"NAdam", "RAdam", "Adam"}) {
            for (String format : new String[] {"fp32", "bf16", "bf16sr", "int8"}) {
                CompressedStateStepBenchmark b = new CompressedStateStepBenchmark();
                b.size = 4096 + 64;
                b.rule = rule;
                b.format = format;
                b.threads = 2;
                b.setUp();
                Optimizer o = b.step();
                b.step();
                assertEquals(2, o.state("w").step(), rule + " " + format);
                assertEquals(!format.equals("fp32"), !o.state("w").compressedBuffers().isEmpty(), rule + " " + format);
                b.check();
            }
        }
    }

    @Test
    void rejectsAnUnknownFormat() {
        CompressedStateStepBenchmark b = new CompressedStateStepBenchmark();
        b.size = 64;
        b.rule = "NAdam";
        b.format = "fp8";
        b.threads = 1;
        assertEquals("format must be fp32, bf16, bf16sr or int8, got fp8",
                assertThrows(IllegalArgumentException.class, b::setUp).getMessage());
    }
}
