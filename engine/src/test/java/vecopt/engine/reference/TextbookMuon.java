package vecopt.engine.reference;

import java.util.List;

/**
 * Muon, from Keller Jordan's "Muon: An optimizer for hidden layers in neural networks" (2024) and
 * PyTorch's documented {@code torch.optim.Muon} (torch 2.9), in float64 throughout (PyTorch runs the
 * Newton–Schulz iteration in bfloat16):
 *
 * <pre>
 * input: γ (lr), λ (weight_decay), μ (momentum), nesterov, (a, b, c) (ns_coefficients), ε (eps),
 *        k (ns_steps), adjust_lr_fn, θ₀ (a rows × cols matrix)
 * initialize: B ← 0
 * for t = 1, 2, ...
 *     g ← ∇f(θ_{t-1})
 *     B ← B + (1 − μ)(g − B)                      (PyTorch's buf.lerp_(grad, 1 − μ))
 *     U ← nesterov ? g + μ(B − g) : B             (grad.lerp(buf, μ))
 *     X ← U, transposed if rows > cols;  X ← X / max(‖X‖_F, ε)
 *     k times:  A ← X Xᵀ;  X ← a X + (b A + c A A) X
 *     O ← X, transposed back
 *     θ ← θ − γλθ;  θ ← θ − γ r O,  r = √max(1, rows/cols) ("original", None) or 0.2 √max(rows, cols)
 * </pre>
 *
 * <p>State: {@code "momentum_buffer"} (B), {@code "step"}. The shape comes from {@link #withShape};
 * without one the parameter is a single row.
 */
public final class TextbookMuon implements TextbookOptimizer {

    private final double lr;
    private final double weightDecay;
    private final double momentum;
    private final boolean nesterov;
    private final double a;
    private final double b;
    private final double c;
    private final double eps;
    private final int steps;
    private final String adjustLrFn;
    private final int[] shape;

    private long step;
    private double[] momentumBuffer;

    public TextbookMuon(double lr, double weightDecay, double momentum, boolean nesterov, double a, double b, double c,
                        double eps, int steps, String adjustLrFn) {
        this(lr, weightDecay, momentum, nesterov, a, b, c, eps, steps, adjustLrFn, null);
    }

    private TextbookMuon(double lr, double weightDecay, double momentum, boolean nesterov, double a, double b,
                         double c, double eps, int steps, String adjustLrFn, int[] shape) {
        TextbookSupport.requireNonNegative(lr, "learning rate");
        TextbookSupport.requireNonNegative(momentum, "momentum");
        TextbookSupport.requireNonNegative(weightDecay, "weight decay");
        if (adjustLrFn != null && !adjustLrFn.equals("original") && !adjustLrFn.equals("match_rms_adamw")) {
            throw new IllegalArgumentException("Adjust learning rate function " + adjustLrFn + " is not supported");
        }
        if (steps >= 100) {
            throw new IllegalArgumentException("Number of steps must be less than 100 for computational efficiency");
        }
        if (shape != null && shape.length != 2) {
            throw new IllegalArgumentException("Muon only supports 2D parameters whereas we found a parameter with"
                    + " size: " + java.util.Arrays.toString(shape));
        }
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.a = a;
        this.b = b;
        this.c = c;
        this.eps = eps;
        this.steps = steps;
        this.adjustLrFn = adjustLrFn;
        this.shape = shape == null ? null : shape.clone();
    }

    @Override
    public TextbookOptimizer withShape(int[] parameterShape) {
        return new TextbookMuon(lr, weightDecay, momentum, nesterov, a, b, c, eps, steps, adjustLrFn, parameterShape);
    }

    @Override
    public void step(double[] params, double[] grads) {
        int n = TextbookSupport.checkLengths(params, grads, momentumBuffer == null ? -1 : momentumBuffer.length);
        int rows = shape == null ? 1 : shape[0];
        int cols = shape == null ? n : shape[1];
        if (rows * cols != n) {
            throw new IllegalArgumentException("params has " + n + " elements, its shape " + rows + " x " + cols);
        }
        if (momentumBuffer == null) {
            momentumBuffer = new double[n];
        }
        step++;
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            momentumBuffer[i] += (1 - momentum) * (grads[i] - momentumBuffer[i]);
            u[i] = nesterov ? grads[i] + momentum * (momentumBuffer[i] - grads[i]) : momentumBuffer[i];
        }
        boolean transposed = rows > cols;
        double[][] x = new double[transposed ? cols : rows][transposed ? rows : cols];
        double norm = 0;
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                double v = u[r * cols + col];
                norm += v * v;
                if (transposed) {
                    x[col][r] = v;
                } else {
                    x[r][col] = v;
                }
            }
        }
        double divisor = Math.max(Math.sqrt(norm), eps);
        for (double[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] /= divisor;
            }
        }
        for (int s = 0; s < steps; s++) {
            double[][] gram = times(x, transpose(x));
            double[][] poly = plus(scaled(b, gram), scaled(c, times(gram, gram)));
            x = plus(scaled(a, x), times(poly, x));
        }
        double ratio = rows == 0 || cols == 0 ? 1
                : adjustLrFn == null || adjustLrFn.equals("original") ? Math.sqrt(Math.max(1, (double) rows / cols))
                : 0.2 * Math.sqrt(Math.max(rows, cols));
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                int i = r * cols + col;
                double o = transposed ? x[col][r] : x[r][col];
                params[i] -= lr * weightDecay * params[i];
                params[i] -= lr * ratio * o;
            }
        }
    }

    private static double[][] transpose(double[][] x) {
        int rows = x.length;
        int cols = rows == 0 ? 0 : x[0].length;
        double[][] t = new double[cols][rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j][i] = x[i][j];
            }
        }
        return t;
    }

    private static double[][] times(double[][] p, double[][] q) {
        int inner = q.length;
        int cols = inner == 0 ? 0 : q[0].length;
        double[][] r = new double[p.length][cols];
        for (int i = 0; i < p.length; i++) {
            for (int k = 0; k < inner; k++) {
                for (int j = 0; j < cols; j++) {
                    r[i][j] += p[i][k] * q[k][j];
                }
            }
        }
        return r;
    }

    private static double[][] plus(double[][] p, double[][] q) {
        double[][] r = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            r[i] = new double[p[i].length];
            for (int j = 0; j < p[i].length; j++) {
                r[i][j] = p[i][j] + q[i][j];
            }
        }
        return r;
    }

    private static double[][] scaled(double s, double[][] p) {
        double[][] r = new double[p.length][];
        for (int i = 0; i < p.length; i++) {
            r[i] = new double[p[i].length];
            for (int j = 0; j < p[i].length; j++) {
                r[i][j] = s * p[i][j];
            }
        }
        return r;
    }

    @Override
    public double[] state(String name) {
        return switch (name) {
            case "momentum_buffer" -> TextbookSupport.copy(momentumBuffer);
            case "step" -> TextbookSupport.scalar(step);
            case null, default -> throw TextbookSupport.unknownState("Muon", name, List.of("momentum_buffer", "step"));
        };
    }
}
