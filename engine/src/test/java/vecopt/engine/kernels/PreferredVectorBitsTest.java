package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import vecopt.engine.Rule;
import vecopt.engine.Rules;

/**
 * The per-rule width: every built-in rule states one its kernels have, it applies only on 512-bit
 * hardware without {@code -Dvecopt.vectorBitSize}, and the provider hands each rule Panama kernels of
 * exactly that width, one instance per width.
 */
class PreferredVectorBitsTest {

    private static final String EXPECTED_BITS = System.getProperty("vecopt.test.expectedBitSize");

    @Test
    void everyBuiltInRuleStatesAWidthTheKernelsHave() {
        for (Rule r : Rules.all()) {
            int bits = r.preferredVectorBits();
            assertTrue(bits == 256 || bits == 512, r.torchName() + " states " + bits + " bits");
        }
    }

    @Test
    void aPreferenceAppliesOnlyOn512BitHardwareAndNeverExceedsIt() {
        assertEquals(512, OptimizerKernelsProvider.widthFor(512, 512, 256));
        assertEquals(256, OptimizerKernelsProvider.widthFor(256, 512, 512));
        assertEquals(256, OptimizerKernelsProvider.widthFor(512, 256, 256), "a 256-bit CPU runs its default width");
        assertEquals(128, OptimizerKernelsProvider.widthFor(512, 128, 128));
        assertEquals(256, OptimizerKernelsProvider.widthFor(0, 512, 256), "a rule stating none runs the default");
    }

    @Test
    void rejectsAWidthTheKernelsDoNotHave() {
        Rule.Builder b = Rule.builder("SomeUsersRule", vecopt.engine.Sgd.defaults(), (ps, h) -> null);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> b.preferredVectorBits(384));
        assertTrue(e.getMessage().contains("384"), e.getMessage());
    }

    @Test
    void eachRuleGetsPanamaKernelsOfItsWidthAndOneInstancePerWidth() {
        OptimizerKernels standard = KernelParity.panamaOrSkip();
        int hardware = PanamaOptimizerKernels.preferredBitSize();
        for (Rule rule : Rules.all()) {
            OptimizerKernels kernels = OptimizerKernelsProvider.forRule(rule);
            assertEquals("panama", kernels.name());
            int want = EXPECTED_BITS != null ? standard.vectorBitSize()
                    : OptimizerKernelsProvider.widthFor(rule.preferredVectorBits(), hardware, standard.vectorBitSize());
            assertEquals(want, kernels.vectorBitSize(), rule.torchName());
            if (want == standard.vectorBitSize()) {
                assertSame(standard, kernels, rule.torchName() + " runs the provider's own kernels");
            }
            assertSame(kernels, OptimizerKernelsProvider.forRule(rule), "one instance per width");
        }
    }

    @Test
    void aForcedWidthHoldsForEveryRule() {
        assumeTrue(EXPECTED_BITS != null, "no width forced in this run");
        KernelParity.panamaOrSkip();
        for (Rule rule : Rules.all()) {
            assertEquals(Integer.parseInt(EXPECTED_BITS), OptimizerKernelsProvider.forRule(rule).vectorBitSize(),
                    rule.torchName());
        }
    }
    @Test
    void copiesAtEveryWidthTheHardwareHasRunAtThatWidthAndGiveTheScalarBits() {
        KernelParity.panamaOrSkip();
        for (int bits = 128; bits <= PanamaOptimizerKernels.preferredBitSize(); bits *= 2) {
            OptimizerKernels copy = PanamaOptimizerKernels.atWidth(bits);
            assertEquals(bits, copy.vectorBitSize());
            KernelParity.assertBitIdentical(copy, "adam", 1021, 3, (k, a, off, len, step) -> k.adam(
                    a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                    AdamKernelParityTest.coefficients(step, 1e-3, 0.9, 0.999, 1e-8, 0, false, false)),
                    KernelParity.Content.PARAM, KernelParity.Content.GRAD, KernelParity.Content.SIGNED,
                    KernelParity.Content.NON_NEGATIVE);
        }
    }
}
