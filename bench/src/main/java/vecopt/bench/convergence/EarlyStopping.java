package vecopt.bench.convergence;

import java.util.function.Supplier;

/**
 * Early stopping on a validation loss: an epoch improves on the best so far when its loss is below
 * best - {@code minDelta}; training stops after {@code patience} epochs in a row without improvement,
 * and the weights of the best epoch (kept as a snapshot) are restored by the caller.
 */
public final class EarlyStopping {

    private final int patience;
    private final double minDelta;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch = -1;
    private int sinceBest;
    private Object bestSnapshot;

    /** Stops after {@code patience} (>= 1) epochs without a decrease larger than {@code minDelta} (>= 0). */
    public EarlyStopping(int patience, double minDelta) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1, got patience=" + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("minDelta must be finite and >= 0, got minDelta=" + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
    }

    /**
     * Records the validation loss of {@code epoch}; takes a snapshot when it improves. Returns
     * whether to stop now.
     */
    public <T> boolean update(int epoch, double loss, Supplier<T> snapshot) {
        if (loss < best - minDelta) {
            best = loss;
            bestEpoch = epoch;
            sinceBest = 0;
            bestSnapshot = snapshot.get();
        } else {
            sinceBest++;
        }
        return sinceBest >= patience;
    }

    /** The best loss so far, +infinity before the first update. */
    public double bestLoss() {
        return best;
    }

    /** The epoch of the best loss, -1 before the first update. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The snapshot taken at the best epoch, null before the first update. */
    @SuppressWarnings("unchecked")
    public <T> T bestSnapshot() {
        return (T) bestSnapshot;
    }
}
