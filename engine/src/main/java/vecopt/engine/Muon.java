package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.MuonCoefficients;
import vecopt.engine.kernels.NewtonSchulz;

/**
 * Muon (Keller Jordan et al. 2024, "Muon: An optimizer for hidden layers in neural networks") as
 * PyTorch's {@code torch.optim.Muon} (torch 2.9): momentum, then the update of each matrix replaced by
 * its orthogonalization (Newton–Schulz iterations, {@link NewtonSchulz}), scaled by a shape-dependent
 * learning rate:
 * <pre>
 * B = lerp(B, g, 1 - momentum)                     (momentum_buffer; PyTorch's buf.lerp_)
 * U = nesterov ? lerp(g, B, momentum) : B
 * O = NS_{a,b,c}^{ns_steps}(U; eps)
 * p = p * (1 - lr * weight_decay) - lr * ratio * O
 * ratio = sqrt(max(1, rows / cols))                ("original" and None: Keller Jordan's)
 *       = 0.2 sqrt(max(rows, cols))                ("match_rms_adamw": Moonshot's, AdamW's update RMS)
 * </pre>
 * PyTorch's documentation writes the momentum as {@code B = mu B + g}; its code, followed here, keeps
 * the average {@code (1 - mu)} times smaller, which the orthogonalization's normalization removes.
 * Everything is float32; PyTorch runs the iteration in bfloat16.
 *
 * <p>Like PyTorch's, Muon steps 2-D parameters only and refuses the others when they are added: give
 * biases, norms and embeddings to a second optimizer, usually {@link AdamW}, and step both.
 *
 * <p>A step of a parameter is three passes: the momentum (element-wise, split across threads), the
 * orthogonalization (on the stepping thread: matrix products of {@code rows x cols x min(rows, cols)}
 * FMAs, about {@code 5 (2 rows cols m + m^3)} for 5 iterations with {@code m = min(rows, cols)}) and
 * the update (element-wise). The update matrix and the iteration's working memory (three matrices of
 * the largest parameter and two of its {@code m x m}) are kept between steps; they are not state.
 *
 * <p>Defaults (PyTorch's): lr 1e-3, weight_decay 0.1, momentum 0.95, nesterov true, ns_coefficients
 * (3.4445, -4.7750, 2.0315), eps 1e-7, ns_steps 5, adjust_lr_fn None ("original"); PyTorch's
 * {@code use_addmm} is accepted and ignored.
 */
public final class Muon extends Optimizer {

    /** {@code lr}: the learning rate. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-3, 0);
    /** {@code weight_decay}: the decoupled weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0.1, 0);
    /** {@code momentum}: the momentum factor. */
    public static final Hyperparameter MOMENTUM = Hyperparameter.atLeast("momentum", 0.95, 0);
    /** {@code nesterov}: whether to orthogonalize the Nesterov look-ahead instead of the momentum. */
    public static final Hyperparameter NESTEROV = Hyperparameter.flag("nesterov", true);
    /** {@code ns_a}: the first Newton–Schulz coefficient ({@code ns_coefficients[0]}). */
    public static final Hyperparameter NS_A = Hyperparameter.atLeast("ns_a", 3.4445, -Double.MAX_VALUE);
    /** {@code ns_b}: the second Newton–Schulz coefficient ({@code ns_coefficients[1]}). */
    public static final Hyperparameter NS_B = Hyperparameter.atLeast("ns_b", -4.7750, -Double.MAX_VALUE);
    /** {@code ns_c}: the third Newton–Schulz coefficient ({@code ns_coefficients[2]}). */
    public static final Hyperparameter NS_C = Hyperparameter.atLeast("ns_c", 2.0315, -Double.MAX_VALUE);
    /** {@code eps}: the floor of the update's Frobenius norm before the iteration. */
    public static final Hyperparameter EPS = Hyperparameter.atLeast("eps", 1e-7, 0);
    /** {@code ns_steps}: the number of Newton–Schulz iterations. */
    public static final Hyperparameter NS_STEPS = Hyperparameter.integer("ns_steps", 5, 0, 99);
    /** {@code adjust_lr_fn}: "original" (also None) or "match_rms_adamw", the learning rate's scaling by shape. */
    public static final Hyperparameter ADJUST_LR_FN = Hyperparameter.choice("adjust_lr_fn",
            MuonCoefficients.ORIGINAL, MuonCoefficients.MATCH_RMS_ADAMW).orNone();

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, WEIGHT_DECAY, MOMENTUM, NESTEROV, NS_A, NS_B, NS_C, EPS, NS_STEPS, ADJUST_LR_FN), h -> { });

    /** Muon's descriptor: {@code momentum_buffer}; matrices only; traffic with the update matrix's round trip. */
    public static final Rule RULE = Rule.builder("Muon", DEFAULTS, Muon::new)
            .preferredVectorBits(512)
            .buffer("momentum_buffer")
            .shapes(new Rule.Shapes(s -> s.length == 2, "2-D parameters only, as torch.optim.Muon: give vectors,"
                    + " scalars and other shapes to a second optimizer such as AdamW"))
            .keepsFloat32State("its step orthogonalises the whole momentum matrix (Newton-Schulz iterations)"
                    + " between two element-wise passes, and compressed state is decoded for one element-wise pass only")
            .traffic(h -> new Rule.Traffic(4, 3))
            .build();

    private final NewtonSchulz.Workspace workspace = new NewtonSchulz.Workspace();

    /**
     * PyTorch's defaults.
     *
     * @return the defaults, to change with {@link Hyperparameters#with(String, double)}
     */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    /**
     * An optimizer over {@code parameters} (matrices), all in its first group, with {@code hyperparameters}
     * from {@link #defaults()}.
     *
     * @param parameters the first group's parameters, matrices
     * @param hyperparameters the first group's hyperparameters
     * @throws IllegalArgumentException naming the first parameter that is not 2-D
     */
    public Muon(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        int[] shape = p.shape();
        int rows = shape[0];
        int cols = shape[1];
        MuonCoefficients c = MuonCoefficients.forStep(h, step, context, rows, cols);
        float[] buffer = state.buffer("momentum_buffer");
        workspace.ensure(rows, cols); // the largest parameter's size once every parameter is planned
        NewtonSchulz.Workspace w = workspace;
        return StepPlan.of(
                StepPlan.Pass.elementWise((v, vOff, g, gOff, from, n) ->
                        kernels().muonMomentum(g, gOff, buffer, from, w.update(), from, n, c)),
                StepPlan.Pass.whole((v, vOff, g, gOff, from, n) -> NewtonSchulz.orthogonalize(kernels(), rows, cols, w, c)),
                StepPlan.Pass.elementWise((v, vOff, g, gOff, from, n) ->
                        kernels().muonApply(v, vOff, w.update(), from, n, c)));
    }
}
