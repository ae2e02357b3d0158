package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * Fails a surefire run whose kernels are not the ones its configuration promises: the run with
 * {@code --add-modules jdk.incubator.vector} must really exercise Panama, and the run without it the
 * scalar fallback.
 */
class KernelProviderGuardTest {

    private static final String EXPECTED = System.getProperty("vecopt.test.expectedKernels");
    private static final String EXPECTED_BITS = System.getProperty("vecopt.test.expectedBitSize");

    @Test
    void providerPickedTheKernelsThisRunIsFor() {
        assumeTrue(EXPECTED != null, "not run from Maven: no expectation set");
        assertEquals(EXPECTED, OptimizerKernelsProvider.get().name(),
                "the provider picked " + OptimizerKernelsProvider.get().name() + " kernels");
    }

    @Test
    void panamaRunsAtTheRequestedWidth() {
        assumeTrue(EXPECTED_BITS != null, "no width requested in this run");
        assertEquals(Integer.parseInt(EXPECTED_BITS), OptimizerKernelsProvider.get().vectorBitSize());
    }

    @Test
    void scalarKernelsAreAlwaysAvailable() {
        assertEquals("scalar", OptimizerKernelsProvider.scalar().name());
        assertEquals(32, OptimizerKernelsProvider.scalar().vectorBitSize());
    }
}
