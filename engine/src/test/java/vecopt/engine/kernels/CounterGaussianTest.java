package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The generator's parts against exact references: its hash, its logarithm, its inverse normal function. */
class CounterGaussianTest {

    @Test
    void pairCountersAreSplitMix64FromTheKey() {
        long key = 0x1234_5678_9ABC_DEF0L;
        SplittableRandom splitMix = new SplittableRandom(key - CounterGaussian.GAMMA); // nextLong = mix64(seed + GAMMA)
        for (long pair = 0; pair < 1000; pair++) {
            long h = splitMix.nextLong();
            assertEquals((int) h, CounterGaussian.bits(key, 2 * pair), "low word, element " + 2 * pair);
            assertEquals((int) (h >>> 32), CounterGaussian.bits(key, 2 * pair + 1), "high word, element " + (2 * pair + 1));
        }
    }

    @Test
    void logIsWithinTwoUlpsOfMathLog() {
        SplittableRandom random = new SplittableRandom(1);
        for (int k = 0; k < 200_000; k++) {
            float x = (float) Math.pow(2, random.nextDouble(-26, 0));
            double want = Math.log(x);
            float got = CounterGaussian.log(x);
            assertEquals(want, got, 2 * Math.ulp((float) want) + 1e-30, "log(" + x + ")");
        }
        assertEquals(0f, CounterGaussian.log(1f));
        assertEquals(Math.log(0x1p-25), CounterGaussian.log(0x1p-25f), 1e-6);
    }

    @Test
    void gaussianIsTheInverseNormalDistributionFunctionOfItsProbability() {
        // p = (2m + 1) / 2^25 from the top 23 bits m; the value is Phi^-1(p) when bit 0 is set, else -Phi^-1(p).
        SplittableRandom random = new SplittableRandom(2);
        double worst = 0;
        for (int k = 0; k < 200_000; k++) {
            int u = random.nextInt();
            double p = (2.0 * (u >>> 9) + 1) / (1 << 25);
            float x = CounterGaussian.gaussian(u | 1);
            double exact = inverseNormalCdf(p);
            worst = Math.max(worst, Math.abs(x - exact) / Math.abs(exact));
            assertEquals(exact, x, 5e-7 * Math.abs(exact) + 1e-7, "u=" + u + " p=" + p);
            assertEquals(-x, CounterGaussian.gaussian(u & ~1));
        }
        assertTrue(worst < 5e-7, "worst relative error " + worst); // a few float ulps
        // the extremes: p = 2^-25 and p = 1/2 - 2^-25
        assertEquals(inverseNormalCdf(0x1p-25), CounterGaussian.gaussian(1), 1e-6);
        assertEquals(inverseNormalCdf(0.5 - 0x1p-25), CounterGaussian.gaussian(-1), 1e-9);
        assertTrue(CounterGaussian.gaussian(-1) < 0);
    }

    @Test
    void gaussianIsMonotoneToWithinRoundingAcrossAllProbabilitiesAndBothRegions() {
        // Neighbouring probabilities are 2^-24 apart, a few ulps of x; float rounding may reverse one ulp.
        float previous = Float.NEGATIVE_INFINITY;
        for (int m = 0; m < (1 << 23); m++) {
            float x = CounterGaussian.gaussian((m << 9) | 1);
            assertTrue(x >= previous - 2 * Math.ulp(previous), "not monotone at m=" + m + ": " + previous + " then " + x);
            previous = Math.max(previous, x);
        }
    }

    private static double normalCdf(double x) {
        return NormalDistribution.cdf(x);
    }

    private static double inverseNormalCdf(double p) {
        return NormalDistribution.inverseCdf(p);
    }
}
