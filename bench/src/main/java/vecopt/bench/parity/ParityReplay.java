package vecopt.bench.parity;

import java.util.List;
import vecopt.engine.NonFinitePolicy;
import vecopt.engine.Optimizer;
import vecopt.engine.internal.EngineAccess;
import vecopt.engine.Parameter;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.tensor.FloatTensor;

/**
 * Replays a {@link TrajectoryCase} through the engine and compares every step with PyTorch's
 * parameters: within PyTorch's own float32 tolerance {@code |got - want| <= 1e-5 + 1.3e-6 |want|}, and
 * by the distance in ulps and bit equality, for the rules that reproduce PyTorch exactly.
 *
 * <p>NaN and infinite gradients flow into the parameters as in PyTorch (the optimizer runs with
 * {@link NonFinitePolicy#PROPAGATE}). A NaN matches only a NaN at the same step and element, an infinity
 * only the infinity of the same sign; neither is ever within tolerance of anything else.
 */
public final class ParityReplay {

    public static final double ABS_TOLERANCE = 1e-5;
    public static final double REL_TOLERANCE = 1.3e-6;

    /** How a case ended. UNSUPPORTED: the engine lacks the optimizer or one of its options. */
    public enum Verdict { PASS, FAIL, UNSUPPORTED }

    /**
     * @param maxAbsError     largest |got - want| over all steps and elements; infinite or NaN when a NaN
     *                        or an infinity meets anything but itself
     * @param maxRelError     largest |got - want| / |want| over elements with a finite want != 0, and
     *                        infinite or NaN as above
     * @param maxUlp          largest {@link #ulpDistance} over all steps and elements
     * @param detail          where the first failure happened, or why the case is unsupported; empty on a pass
     * @param firstDifference where the first value whose bits differ from PyTorch's is; empty when every
     *                        bit of every step agrees
     */
    public record Result(String name, Verdict verdict, double maxAbsError, double maxRelError, long maxUlp,
                         String detail, String firstDifference) {

        /** Every bit of every step equals PyTorch's. */
        public boolean exact() {
            return verdict != Verdict.UNSUPPORTED && firstDifference.isEmpty();
        }

        /** The worse of two results of the same case (FAIL over UNSUPPORTED over PASS), errors maxed. */
        public Result combine(Result other) {
            Verdict v = verdict.ordinal() >= other.verdict.ordinal() ? verdict : other.verdict;
            String d = verdict == v ? detail : other.detail;
            return new Result(name, v, Math.max(maxAbsError, other.maxAbsError),
                    Math.max(maxRelError, other.maxRelError), Math.max(maxUlp, other.maxUlp), d,
                    firstDifference.isEmpty() ? other.firstDifference : firstDifference);
        }
    }

    private ParityReplay() {
    }

    /**
     * How many floats lie between {@code a} and {@code b} on the number line: 0 when they are the same
     * value ({@code +0} and {@code -0} included), 1 for neighbours, {@link Long#MAX_VALUE} when exactly
     * one is NaN.
     */
    public static long ulpDistance(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordinal(a) - ordinal(b));
    }

    /** Position of {@code x} among the floats in increasing order, with both zeros at 0. */
    private static long ordinal(float x) {
        int bits = Float.floatToRawIntBits(x);
        return bits >= 0 ? bits : -(long) (bits & Integer.MAX_VALUE);
    }

    /**
     * Replays {@code c} on {@code kernels}. An optimizer or option the engine lacks, or a rule that steps
     * only with a closure (LBFGS), makes the case UNSUPPORTED; hyperparameters it refuses, or a step that
     * throws, make it FAIL with the reason in {@link Result#detail()}.
     */
    public static Result replay(TrajectoryCase c, OptimizerKernels kernels) {
        float[] value = c.init().clone();
        float[] grad = new float[c.size()];
        Optimizer optimizer;
        try {
            Parameter p = new Parameter("param", FloatTensor.of(value), FloatTensor.of(grad));
            optimizer = EngineAccess.stateHooks().fromTorch(c.optimizer(), List.of(p), c.hyper(), kernels);
            if (optimizer.rule().needsClosure()) {
                return new Result(c.name(), Verdict.UNSUPPORTED, 0, 0, 0, c.optimizer() + " steps with a closure that"
                        + " re-evaluates the objective; recorded gradients cannot replay it", "");
            }
            optimizer.setNonFinitePolicy(NonFinitePolicy.PROPAGATE);
        } catch (UnsupportedOperationException e) {
            return new Result(c.name(), Verdict.UNSUPPORTED, 0, 0, 0, e.getMessage(), "");
        } catch (RuntimeException e) {
            return thrown(c, "rejected: " + describe(e));
        }
        double maxAbs = 0;
        double maxRel = 0;
        long maxUlp = 0;
        String firstFailure = "";
        String firstDifference = "";
        for (int s = 0; s < c.steps(); s++) {
            System.arraycopy(c.grads()[s], 0, grad, 0, c.size());
            try {
                optimizer.step();
            } catch (RuntimeException e) {
                return thrown(c, "step " + (s + 1) + " threw " + describe(e));
            }
            float[] want = c.params()[s];
            for (int i = 0; i < c.size(); i++) {
                float got = value[i];
                double w = want[i];
                // Float.compare: a NaN equals a NaN, an infinity the same infinity; -0 and +0 differ in bits
                boolean same = Float.compare(got, want[i]) == 0;
                boolean finite = Float.isFinite(got) && Double.isFinite(w);
                // NaN or infinite when a NaN or an infinity meets anything but itself
                double err = same ? 0 : Math.abs(got - w);
                boolean ok = same || finite && err <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(w);
                if (!ok && firstFailure.isEmpty()) {
                    firstFailure = where(s, i, got, want[i]);
                }
                if (!same && firstDifference.isEmpty()) {
                    firstDifference = where(s, i, got, want[i]);
                }
                maxAbs = Math.max(maxAbs, err);
                maxUlp = Math.max(maxUlp, ulpDistance(got, want[i]));
                if (!Double.isFinite(w)) {
                    maxRel = Math.max(maxRel, err); // 0 when equal, else infinite or NaN
                } else if (w != 0) {
                    maxRel = Math.max(maxRel, err / Math.abs(w));
                }
            }
        }
        return new Result(c.name(), firstFailure.isEmpty() ? Verdict.PASS : Verdict.FAIL, maxAbs, maxRel, maxUlp,
                firstFailure, firstDifference);
    }

    private static Result thrown(TrajectoryCase c, String detail) {
        return new Result(c.name(), Verdict.FAIL, Double.NaN, Double.NaN, Long.MAX_VALUE, detail, detail);
    }

    /** The message of an IllegalArgumentException (a refused value), else the exception's class and message. */
    private static String describe(RuntimeException e) {
        return e instanceof IllegalArgumentException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String where(int step, int element, float got, float want) {
        return "step " + (step + 1) + " element " + element + ": got " + got + ", want " + want;
    }
}
