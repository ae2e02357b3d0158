package vecopt.examples;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import vecopt.engine.AdamW;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Parameter;
import vecopt.engine.WeightRounding;
import vecopt.tensor.BFloat16;
import vecopt.tensor.DType;
import vecopt.tensor.SegmentTensor;

/**
 * bfloat16 weights with a float32 master copy, as offload trainers keep them: AdamW pulls a 256 x 64
 * bfloat16 weight matrix towards a target, loss L = |W - T|^2 / 2, from bfloat16 gradients that carry a
 * loss scale of 1024. One gradient overflows on purpose; that step is skipped and writes nothing.
 */
public final class MixedPrecision {

    /** How far the weights were from the target before and after, and what the overflowed step did. */
    public record Result(double firstDistance, double lastDistance, long skippedSteps, boolean overflowLeftWeights) {
    }

    private MixedPrecision() {
    }

    /** Fits the weights for {@code steps} steps; the step at {@code steps / 2} gets an infinite gradient. */
    public static Result fit(int steps) {
        short[] weightBits = new short[256 * 64];
        short[] gradBits = new short[256 * 64];
        float[] target = new float[weightBits.length];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < target.length; i++) {
            target[i] = (float) random.nextGaussian();
        }
        Parameter w = Parameter.mixed("fc1.weight",
                SegmentTensor.wrap(MemorySegment.ofArray(weightBits), DType.BFLOAT16, 256, 64),
                SegmentTensor.wrap(MemorySegment.ofArray(gradBits), DType.BFLOAT16, 256, 64));
        AdamW adamw = new AdamW(List.of(w), AdamW.defaults().with(AdamW.LR, 0.05));
        adamw.setLossScale(1024);
        adamw.setNonFinitePolicy(NonFinitePolicy.SKIP);
        adamw.setWeightRounding(WeightRounding.stochastic(42));   // default: nearest even
        double first = distance(weightBits, target);
        boolean overflowLeftWeights = false;
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < gradBits.length; i++) {   // the scaled gradient 1024 (W - T), as bfloat16
                gradBits[i] = BFloat16.fromFloat(1024 * (BFloat16.toFloat(weightBits[i]) - target[i]));
            }
            if (t == steps / 2) {
                gradBits[7] = BFloat16.fromFloat(Float.POSITIVE_INFINITY);
                short[] before = weightBits.clone();
                adamw.step();
                overflowLeftWeights = java.util.Arrays.equals(before, weightBits);
            } else {
                adamw.step();
            }
        }
        return new Result(first, distance(weightBits, target), adamw.skippedSteps(), overflowLeftWeights);
    }

    private static double distance(short[] weightBits, float[] target) {
        double sum = 0;
        for (int i = 0; i < target.length; i++) {
            double d = BFloat16.toFloat(weightBits[i]) - target[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    public static void main(String[] args) {
        Result r = fit(200);
        System.out.printf("distance to target %.3f -> %.3f, %d step skipped%n", r.firstDistance(), r.lastDistance(),
                r.skippedSteps());
    }
}
