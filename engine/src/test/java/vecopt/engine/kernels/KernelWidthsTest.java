package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import vecopt.engine.Rule;
import vecopt.engine.Rules;

/**
 * The per-rule default width: the table names every built-in rule and nothing else, applies only on
 * 512-bit hardware without {@code -Dvecopt.vectorBitSize}, and the provider hands each rule Panama
 * kernels of exactly that width, one instance per width.
 */
class KernelWidthsTest {

    private static final String EXPECTED_BITS = System.getProperty("vecopt.test.expectedBitSize");

    @Test
    void theTableListsEveryBuiltInRuleAtAWidthTheKernelsHave() {
        Set<String> builtIn = new TreeSet<>();
        for (Rule r : Rules.all()) {
            builtIn.add(r.torchName());
        }
        assertEquals(builtIn, new TreeSet<>(KernelWidths.ON_512_BIT_CPUS.keySet()));
        for (int bits : KernelWidths.ON_512_BIT_CPUS.values()) {
            assertTrue(bits == 128 || bits == 256 || bits == 512, "width " + bits);
        }
    }

    @Test
    void theTableAppliesOnlyOn512BitHardwareAndNeverExceedsIt() {
        String wide = KernelWidths.ON_512_BIT_CPUS.entrySet().stream().filter(e -> e.getValue() == 512)
                .map(java.util.Map.Entry::getKey).findFirst().orElseThrow();
        assertEquals(512, KernelWidths.forRule(wide, 512, 256));
        assertEquals(256, KernelWidths.forRule(wide, 256, 256), "a 256-bit CPU runs its default width");
        assertEquals(128, KernelWidths.forRule(wide, 128, 128));
        assertEquals(256, KernelWidths.forRule("SomeUsersRule", 512, 256), "a rule not listed runs the default");
    }

    @Test
    void eachRuleGetsPanamaKernelsOfItsWidthAndOneInstancePerWidth() {
        OptimizerKernels standard = KernelParity.panamaOrSkip();
        int hardware = PanamaOptimizerKernels.preferredBitSize();
        for (String rule : KernelWidths.ON_512_BIT_CPUS.keySet()) {
            OptimizerKernels kernels = OptimizerKernelsProvider.forRule(rule);
            assertEquals("panama", kernels.name());
            int want = EXPECTED_BITS != null ? standard.vectorBitSize()
                    : KernelWidths.forRule(rule, hardware, standard.vectorBitSize());
            assertEquals(want, kernels.vectorBitSize(), rule);
            if (want == standard.vectorBitSize()) {
                assertSame(standard, kernels, rule + " runs the provider's own kernels");
            }
            assertSame(kernels, OptimizerKernelsProvider.forRule(rule), "one instance per width");
        }
    }

    @Test
    void aForcedWidthHoldsForEveryRule() {
        assumeTrue(EXPECTED_BITS != null, "no width forced in this run");
        KernelParity.panamaOrSkip();
        for (String rule : KernelWidths.ON_512_BIT_CPUS.keySet()) {
            assertEquals(Integer.parseInt(EXPECTED_BITS), OptimizerKernelsProvider.forRule(rule).vectorBitSize(), rule);
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
