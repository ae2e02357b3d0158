package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DropoutMasksTest {

    /** Masks as 0/1 strings, computed by the NumPy version in bench/tools/fashion_torch.py. */
    @Test
    void masksMatchTheNumpyImplementationOfTheHash() {
        assertEquals("1000001000000100101000010100111000101110000000001101001010001000", bits(0.5, 11, 3, 1));
        assertEquals("1011111011111011011111111110111101111111001001111111111111010111", bits(0.2, 11, 0, 0));
    }

    @Test
    void keptActivationsAreScaledAndTheKeptShareIsOneMinusP() {
        DropoutMasks masks = new DropoutMasks(0.2, 5);
        float[] m = new float[100_000];
        masks.fill(9, 0, m, m.length);
        int kept = 0;
        for (float v : m) {
            if (v != 0) {
                assertEquals(1.25f, v);
                kept++;
            }
        }
        // 4 standard deviations of a binomial(100000, 0.8) share: 0.0051
        assertEquals(0.8, kept / 1e5, 0.0051);
    }

    @Test
    void rejectsAProbabilityOutsideZeroToOne() {
        assertThrows(IllegalArgumentException.class, () -> new DropoutMasks(1.0, 1), "p=1.0");
        assertThrows(IllegalArgumentException.class, () -> new DropoutMasks(-0.1, 1), "p=-0.1");
        assertThrows(IllegalArgumentException.class, () -> new DropoutMasks(Double.NaN, 1), "p=NaN");
    }

    private static String bits(double p, long seed, long step, int layer) {
        float[] m = new float[64];
        new DropoutMasks(p, seed).fill(step, layer, m, 64);
        StringBuilder s = new StringBuilder();
        for (float v : m) {
            s.append(v == 0 ? '0' : '1');
        }
        return s.toString();
    }
}
