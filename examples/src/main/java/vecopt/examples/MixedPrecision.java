package vecopt.examples;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import vecopt.engine.AdamW;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.engine.WeightRounding;
import vecopt.tensor.BFloat16;
import vecopt.tensor.DType;
import vecopt.tensor.Float16;
import vecopt.tensor.SegmentTensor;

/**
 * bfloat16 weights with a float32 master copy, as offload trainers keep them: AdamW pulls a 256 x 64
 * bfloat16 weight matrix towards a target, loss L = |W - T|^2 / 2, from bfloat16 gradients that carry a
 * loss scale of 1024. One gradient overflows on purpose; that step is skipped and writes nothing.
 * {@link #fitFloat16} does the same with float16 weights and gradients and SGD with momentum: every
 * rule but LBFGS and the schedule-free ones steps mixed-precision parameters.
 */
public final class MixedPrecision {

    /** How far the weights were from the target before and after, and what the overflowed step did. */
    public record Result(double firstDistance, double lastDistance, long skippedSteps, boolean overflowLeftWeights) {
    }

    private MixedPrecision() {
    }

    /** The values the weights are fitted to: {@code n} seeded standard normal numbers. */
    private static float[] target(int n) {
        float[] target = new float[n];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            target[i] = (float) random.nextGaussian();
        }
        return target;
    }

    /** Fits the weights for {@code steps} steps; the step at {@code steps / 2} gets an infinite gradient. */
    public static Result fit(int steps) {
        short[] weightBits = new short[256 * 64];
        short[] gradBits = new short[256 * 64];
        float[] target = target(weightBits.length);
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

    /**
     * {@link #fit} with float16 weights and gradients and SGD with Nesterov momentum; the overflowed
     * gradient is a loss-scaled value beyond float16's 65504, which the conversion makes infinite.
     */
    public static Result fitFloat16(int steps) {
        short[] weightBits = new short[256 * 64];
        short[] gradBits = new short[256 * 64];
        float[] target = target(weightBits.length);
        Parameter w = Parameter.mixed("fc1.weight",
                SegmentTensor.wrap(MemorySegment.ofArray(weightBits), DType.FLOAT16, 256, 64),
                SegmentTensor.wrap(MemorySegment.ofArray(gradBits), DType.FLOAT16, 256, 64));
        Sgd sgd = new Sgd(List.of(w), Sgd.defaults().with(Sgd.LR, 0.1).with(Sgd.MOMENTUM, 0.9).with(Sgd.NESTEROV, true));
        sgd.setLossScale(1024);
        sgd.setNonFinitePolicy(NonFinitePolicy.SKIP);
        double first = distance16(weightBits, target);
        boolean overflowLeftWeights = false;
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < gradBits.length; i++) {   // the scaled gradient 1024 (W - T), as float16
                gradBits[i] = Float16.fromFloat(1024 * (Float16.toFloat(weightBits[i]) - target[i]));
            }
            if (t == steps / 2) {
                gradBits[7] = Float16.fromFloat(1024 * 100f); // beyond 65504: infinity
                short[] before = weightBits.clone();
                sgd.step();
                overflowLeftWeights = java.util.Arrays.equals(before, weightBits);
            } else {
                sgd.step();
            }
        }
        return new Result(first, distance16(weightBits, target), sgd.skippedSteps(), overflowLeftWeights);
    }

    private static double distance(short[] weightBits, float[] target) {
        double sum = 0;
        for (int i = 0; i < target.length; i++) {
            double d = BFloat16.toFloat(weightBits[i]) - target[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    private static double distance16(short[] weightBits, float[] target) {
        double sum = 0;
        for (int i = 0; i < target.length; i++) {
            double d = Float16.toFloat(weightBits[i]) - target[i];
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    public static void main(String[] args) {
        Result r = fit(200);
        System.out.printf("bfloat16, AdamW: distance to target %.3f -> %.3f, %d step skipped%n", r.firstDistance(),
                r.lastDistance(), r.skippedSteps());
        Result h = fitFloat16(200);
        System.out.printf("float16, SGD:    distance to target %.3f -> %.3f, %d step skipped%n", h.firstDistance(),
                h.lastDistance(), h.skippedSteps());
    }
}
