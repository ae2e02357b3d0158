package vecopt.engine.reference;

import java.util.Arrays;
import java.util.List;

/**
 * Adafactor, from Shazeer and Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory
 * Cost" (Algorithms 4 and 5: factored second moment, increasing decay {@code 1 - t^τ}, update
 * clipping, relative step size), with the conventions of PyTorch's documented algorithm
 * ({@code torch.optim.Adafactor}, torch 2.5): means instead of sums, lr as the cap of the relative
 * step and as the scale of the decoupled decay, ε₁ on the row factor's mean and under the root, ε₂ as
 * the least parameter scale, Python's max. Plus the paper's optional first moment β₁ (Section 9's
 * experiments; averaged over the scaled step, as tensor2tensor applies it).
 *
 * <pre>
 * input: γ (lr), τ (beta2_decay), ε₁, ε₂ (eps), d, λ (weight_decay), β₁, θ₀, maximize
 * initialize: R ← 0, C ← 0 (matrices, per matrix of the last two dimensions), V ← 0 (vectors), m ← 0
 * for t = 1, 2, ...
 *     G ← ∇f(θ_{t-1})                        (−∇f if maximize)
 *     β̂₂ ← 1 − t^τ;  ρ ← min(γ, 1/√t);  α ← max(ε₂, RMS(θ_{t-1})) ρ
 *     θ ← θ_{t-1} − γλθ_{t-1}
 *     rank ≥ 2:  R ← β̂₂ R + (1 − β̂₂) mean_cols(G²);  C ← β̂₂ C + (1 − β̂₂) mean_rows(G²)
 *                V̂ ← R Cᵀ / max(mean(R), ε₁)
 *     else:      V̂ ← β̂₂ V̂ + (1 − β̂₂) G²
 *     U ← G / √max(V̂, ε₁²);  Û ← U / max(1, RMS(U) / d)
 *     β₁ = 0:   θ ← θ − α Û
 *     β₁ > 0:   m ← β₁ m + (1 − β₁) α Û;  θ ← θ − m
 * </pre>
 *
 * PyTorch's None for ε₁ is {@code torch.finfo(param.dtype).eps}; this reference stands for float32
 * parameters, so None is float32's {@code 2^-23}.
 *
 * <p>State: {@code "row_var"} (R, {@code [..., m, 1]}) and {@code "col_var"} (C, {@code [..., 1, n]})
 * for parameters of rank 2 or more, {@code "variance"} (V) for the others, {@code "exp_avg"} (m) with
 * β₁ &gt; 0, {@code "step"}. Without a shape ({@link #withShape}) the parameter is a vector.
 */
public final class TextbookAdafactor implements TextbookOptimizer {

    /** float32's machine epsilon, PyTorch's None for eps1 on float32 parameters. */
    public static final double FLOAT32_EPS = Math.ulp(1f);

    private final double lr;
    private final double beta2Decay;
    private final double eps1;
    private final double eps2;
    private final double d;
    private final double weightDecay;
    private final double beta1;
    private final boolean maximize;
    private final int[] shape;

    private long step;
    private double[] rowVar;
    private double[] colVar;
    private double[] variance;
    private double[] expAvg;

    public TextbookAdafactor(double lr, double beta2Decay, double eps1, double eps2, double d, double weightDecay,
                             double beta1, boolean maximize) {
        this(lr, beta2Decay, eps1, eps2, d, weightDecay, beta1, maximize, null);
    }

    private TextbookAdafactor(double lr, double beta2Decay, double eps1, double eps2, double d, double weightDecay,
                              double beta1, boolean maximize, int[] shape) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        if (!(beta2Decay <= 0)) {
            throw new IllegalArgumentException("beta2_decay should be <= 0 but is: " + beta2Decay);
        }
        TextbookSupport.requireNonNegative(eps1, "epsilon1");
        TextbookSupport.requireNonNegative(eps2, "epsilon2");
        if (!(d >= 1)) {
            throw new IllegalArgumentException("Clipping threshold d should be >= 1 but is: " + d);
        }
        TextbookSupport.requireNonNegative(weightDecay, "weight_decay value");
        TextbookSupport.requireBeta(beta1, 0);
        this.lr = lr;
        this.beta2Decay = beta2Decay;
        this.eps1 = eps1;
        this.eps2 = eps2;
        this.d = d;
        this.weightDecay = weightDecay;
        this.beta1 = beta1;
        this.maximize = maximize;
        this.shape = shape == null ? null : shape.clone();
    }

    @Override
    public TextbookOptimizer withShape(int[] parameterShape) {
        return new TextbookAdafactor(lr, beta2Decay, eps1, eps2, d, weightDecay, beta1, maximize, parameterShape);
    }

    /** The parameter's elements by its shape (by the variance's length for a vector). */
    private int elements() {
        if (!factored()) {
            return variance.length;
        }
        int n = 1;
        for (int dim : shape) {
            n *= dim;
        }
        return n;
    }

    private boolean factored() {
        return shape != null && shape.length >= 2;
    }

    @Override
    public void step(double[] params, double[] grads) {
        boolean fresh = variance == null && rowVar == null;
        int n = TextbookSupport.checkLengths(params, grads, fresh ? -1 : elements());
        int rows = factored() ? shape[shape.length - 2] : 0;
        int cols = factored() ? shape[shape.length - 1] : 0;
        int batches = 1;
        for (int i = 0; factored() && i < shape.length - 2; i++) {
            batches *= shape[i];
        }
        if (factored() && n != elements()) {
            throw new IllegalArgumentException("params has " + n + " elements, its shape " + Arrays.toString(shape)
                    + " has " + elements());
        }
        if (fresh) {
            if (factored()) {
                rowVar = new double[batches * rows];
                colVar = new double[batches * cols];
            } else {
                variance = new double[n];
            }
        }
        if (beta1 > 0 && expAvg == null) {
            expAvg = new double[n];
        }
        step++;
        double weight = Math.pow(step, beta2Decay); // 1 - β̂₂
        double beta2 = 1 - weight;
        double rho = Math.min(lr, 1 / Math.sqrt(step));
        double alpha = pyMax(eps2, rms(params)) * rho;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = maximize ? -grads[i] : grads[i];
            params[i] -= lr * weightDecay * params[i];
        }
        double[] estimate = new double[n];
        if (factored()) {
            for (int k = 0; k < batches; k++) {
                int base = k * rows * cols;
                for (int r = 0; r < rows; r++) {
                    double mean = 0;
                    for (int c = 0; c < cols; c++) {
                        mean += g[base + r * cols + c] * g[base + r * cols + c];
                    }
                    rowVar[k * rows + r] = beta2 * rowVar[k * rows + r] + weight * (mean / cols);
                }
                for (int c = 0; c < cols; c++) {
                    double mean = 0;
                    for (int r = 0; r < rows; r++) {
                        mean += g[base + r * cols + c] * g[base + r * cols + c];
                    }
                    colVar[k * cols + c] = beta2 * colVar[k * cols + c] + weight * (mean / rows);
                }
                double rowMean = 0;
                for (int r = 0; r < rows; r++) {
                    rowMean += rowVar[k * rows + r] / rows;
                }
                double floor = Math.max(rowMean, eps1);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        estimate[base + r * cols + c] = rowVar[k * rows + r] * colVar[k * cols + c] / floor;
                    }
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                variance[i] = beta2 * variance[i] + weight * (g[i] * g[i]);
                estimate[i] = variance[i];
            }
        }
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = g[i] / Math.sqrt(Math.max(estimate[i], eps1 * eps1));
        }
        double stepSize = alpha / pyMax(1, rms(u) / d);
        for (int i = 0; i < n; i++) {
            if (beta1 > 0) {
                expAvg[i] = beta1 * expAvg[i] + (1 - beta1) * stepSize * u[i];
                params[i] -= expAvg[i];
            } else {
                params[i] -= stepSize * u[i];
            }
        }
    }

    /** Python's {@code max(a, b)}: {@code b} only if it is greater, so a NaN {@code b} leaves {@code a}. */
    private static double pyMax(double a, double b) {
        return b > a ? b : a;
    }

    private static double rms(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s / x.length);
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "row_var" -> requireFactored(name, rowVar, true);
            case "col_var" -> requireFactored(name, colVar, true);
            case "variance" -> requireFactored(name, variance, false);
            case "exp_avg" -> {
                if (!(beta1 > 0)) {
                    throw new IllegalArgumentException("Adafactor keeps no exp_avg with beta1 = " + beta1);
                }
                yield TextbookSupport.copy(expAvg);
            }
            case "step" -> TextbookSupport.scalar(step);
            case null, default -> throw TextbookSupport.unknownState(
                    "Adafactor", name, List.of("row_var", "col_var", "variance", "exp_avg", "step"));
        };
    }

    private double[] requireFactored(String name, double[] buffer, boolean factoredBuffer) {
        if (factoredBuffer != factored()) {
            throw new IllegalArgumentException("Adafactor keeps no " + name + " for a parameter of shape "
                    + (shape == null ? "[n]" : Arrays.toString(shape)));
        }
        return TextbookSupport.copy(buffer);
    }
}
