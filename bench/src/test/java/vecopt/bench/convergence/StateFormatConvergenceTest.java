package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import vecopt.engine.StateFormat;

/**
 * Optimizers train the digits MLP as well with compressed state as with float32 state: the issue's
 * target is 8-bit and stochastically rounded bfloat16 state within 0.5 percentage points of float32's
 * test accuracy. The runs are the convergence suite's own (full settings: 30 epochs), from 10 starts
 * ({@link StateFormatSeeds}), and the target is held to the mean difference over them: one test image
 * is 0.28 points, and from the suite's first start alone ADOPT's and schedule-free AdamW's 8-bit runs
 * were 3 and 2 images short, while over 10 starts they average -0.19 and +0.11 points. The MLP's first
 * layer (64 x 64 = 4096 weights) is the one tensor large enough for 8-bit state; the smaller ones keep
 * float32, as bitsandbytes does.
 */
class StateFormatConvergenceTest {

    @Test
    void compressedStateTrainsTheDigitsMlpWithinHalfAPointOfFloat32OverTenStarts() {
        ConvergenceSuite.Settings settings = ConvergenceSuite.Settings.of(false);
        List<StateFormatSeeds> all = StateFormatSeeds.run(settings, Digits.load().split(), 10);
        List<String> labels = all.stream().map(StateFormatSeeds::label).toList();
        // the rules whose state the engine can compress, as the suite's table names them
        for (String expected : List.of("SGD+momentum", "Adam", "AdamW", "Lion", "NAdam", "RAdam", "RMSprop", "Adagrad",
                "ADOPT", "AdamWScheduleFree")) {
            assertTrue(labels.contains(expected), expected + " missing from " + labels);
        }
        assertFalse(labels.contains("SGD"), "SGD without momentum keeps no state to compress: " + labels);
        List<String> report = new ArrayList<>();
        for (StateFormatSeeds f : all) {
            for (int i = 1; i < StateFormatRuns.FORMATS.size(); i++) {
                report.add(String.format(Locale.ROOT, "%s %s: mean %+.2f, worst %+.2f", f.label(),
                        StateFormatRuns.FORMATS.get(i), f.mean(i), f.worst(i)));
            }
        }
        for (StateFormatSeeds f : all) {
            assertTrue(f.seeds() == 10, f.label() + " ran from " + f.seeds() + " starts");
            for (int i = 1; i < StateFormatRuns.FORMATS.size(); i++) {
                StateFormat format = StateFormatRuns.FORMATS.get(i);
                // the target leaves bfloat16 rounded to nearest free to be worse (the summary shows it)
                if (format.kind() == StateFormat.Kind.BFLOAT16 && !format.stochastic()) {
                    continue;
                }
                assertTrue(f.mean(i) >= -0.5, String.join("; ", report));
            }
        }
    }
}
