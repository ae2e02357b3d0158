package vecopt.bench.parity;

import java.util.List;
import vecopt.engine.Optimizer;
import vecopt.engine.internal.EngineAccess;
import vecopt.engine.Parameter;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.tensor.FloatTensor;

/**
 * Replays a {@link TrajectoryCase} through the engine and compares every step with PyTorch's
 * parameters, within PyTorch's own float32 tolerance {@code |got - want| <= 1e-5 + 1.3e-6 |want|}.
 */
public final class ParityReplay {

    public static final double ABS_TOLERANCE = 1e-5;
    public static final double REL_TOLERANCE = 1.3e-6;

    /** How a case ended. UNSUPPORTED: the engine lacks the optimizer or one of its options. */
    public enum Verdict { PASS, FAIL, UNSUPPORTED }

    /**
     * @param maxAbsError largest |got - want| over all steps and elements
     * @param maxRelError largest |got - want| / |want| over elements with want != 0
     * @param detail where the first failure happened, or why the case is unsupported; empty on a pass
     */
    public record Result(String name, Verdict verdict, double maxAbsError, double maxRelError, String detail) {

        /** The worse of two results of the same case (FAIL over UNSUPPORTED over PASS), errors maxed. */
        public Result combine(Result other) {
            Verdict v = verdict.ordinal() >= other.verdict.ordinal() ? verdict : other.verdict;
            String d = verdict == v ? detail : other.detail;
            return new Result(name, v, Math.max(maxAbsError, other.maxAbsError),
                    Math.max(maxRelError, other.maxRelError), d);
        }
    }

    private ParityReplay() {
    }

    /** Replays {@code c} on {@code kernels}. */
    public static Result replay(TrajectoryCase c, OptimizerKernels kernels) {
        float[] value = c.init().clone();
        float[] grad = new float[c.size()];
        Parameter p = new Parameter("param", FloatTensor.of(value), FloatTensor.of(grad));
        Optimizer optimizer;
        try {
            optimizer = EngineAccess.stateHooks().fromTorch(c.optimizer(), List.of(p), c.hyper(), kernels);
        } catch (UnsupportedOperationException e) {
            return new Result(c.name(), Verdict.UNSUPPORTED, 0, 0, e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Result(c.name(), Verdict.FAIL, Double.NaN, Double.NaN, "rejected: " + e.getMessage());
        }
        double maxAbs = 0;
        double maxRel = 0;
        String firstFailure = "";
        for (int s = 0; s < c.steps(); s++) {
            System.arraycopy(c.grads()[s], 0, grad, 0, c.size());
            optimizer.step();
            float[] want = c.params()[s];
            for (int i = 0; i < c.size(); i++) {
                double w = want[i];
                boolean same = Float.compare(value[i], want[i]) == 0; // also equal infinities and NaNs
                double err = same ? 0 : Math.abs(value[i] - w);       // NaN when exactly one is NaN
                boolean ok = same || err <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(w);
                if (!ok && firstFailure.isEmpty()) {
                    firstFailure = "step " + (s + 1) + " element " + i + ": got " + value[i] + ", want " + want[i];
                }
                maxAbs = Math.max(maxAbs, err);
                if (w != 0) {
                    maxRel = Math.max(maxRel, err / Math.abs(w));
                }
            }
        }
        return new Result(c.name(), firstFailure.isEmpty() ? Verdict.PASS : Verdict.FAIL, maxAbs, maxRel, firstFailure);
    }
}
