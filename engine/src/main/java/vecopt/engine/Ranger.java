package vecopt.engine;

import java.util.List;

/**
 * Ranger (Less Wright, 2019, from Hansen's notes): {@link RAdam} inside {@link Lookahead}, with
 * Ranger's defaults k 6 and alpha 0.5 and RAdam's own hyperparameters (lr 1e-3, betas (0.9, 0.999),
 * eps 1e-8). Less Wright's original Ranger sets betas (0.95, 0.999) and eps 1e-5 and its own rho
 * threshold; here the inner rule is exactly {@code torch.optim.RAdam} (rho_t &gt; 5), so pass those
 * values through {@code RAdam.defaults().withValues(...)} to match it more closely.
 * <pre>
 * Lookahead ranger = Ranger.create(params, RAdam.defaults().with("lr", 1e-3));
 * ranger.step();                                  // RAdam step; every 6th also the Lookahead sync
 * ranger.paramGroups().get(0).set("lr", 5e-4);    // hyperparameters are RAdam's
 * </pre>
 */
public final class Ranger {

    /** Ranger's inner steps per synchronisation. */
    public static final int DEFAULT_K = 6;
    /** Ranger's slow-weight step size. */
    public static final double DEFAULT_ALPHA = 0.5;

    private Ranger() {
    }

    /**
     * RAdam with {@code hyperparameters} (from {@link RAdam#defaults()}) inside Lookahead with k 6, alpha 0.5.
     *
     * @param parameters the parameters of the first group
     * @param hyperparameters RAdam's hyperparameters
     * @return the Lookahead around RAdam
     */
    public static Lookahead create(List<Parameter> parameters, Hyperparameters hyperparameters) {
        return create(parameters, hyperparameters, DEFAULT_K, DEFAULT_ALPHA);
    }

    /**
     * RAdam's defaults (lr 1e-3) inside Lookahead with k 6, alpha 0.5.
     *
     * @param parameters the parameters of the first group
     * @return the Lookahead around RAdam
     */
    public static Lookahead create(List<Parameter> parameters) {
        return create(parameters, RAdam.defaults());
    }

    /**
     * RAdam inside Lookahead with {@code k} and {@code alpha}. Every argument is checked before the
     * optimizer is built.
     *
     * @param parameters the parameters of the first group
     * @param hyperparameters RAdam's hyperparameters
     * @param k inner steps per synchronisation
     * @param alpha the slow weights' step size
     * @return the Lookahead around RAdam
     * @throws IllegalArgumentException naming the argument and its value
     */
    public static Lookahead create(List<Parameter> parameters, Hyperparameters hyperparameters, int k, double alpha) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        return Lookahead.wrap(new RAdam(parameters, hyperparameters), k, alpha);
    }
}
