package vecopt.engine;

import java.util.List;
import vecopt.engine.kernels.AdafactorCoefficients;

/**
 * Adafactor (Shazeer and Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost")
 * as PyTorch's {@code torch.optim.Adafactor} (torch 2.5 and later): for a parameter of rank 2 or more
 * the second moment is kept factored, as a row factor and a column factor of the last two dimensions,
 * so the state of an {@code m x n} matrix is {@code m + n} floats instead of Adam's {@code 2 m n}:
 * <pre>
 * G     = g                                        (-g when maximize)
 * w     = t^beta2_decay                            (1 - beta2_t, so the first step keeps G^2 itself)
 * rho   = min(lr, 1 / sqrt(t))
 * alpha = max(eps2, RMS(p)) * rho                  (the relative step, from p before the step)
 * p     = p * (1 - lr * weight_decay)
 * matrices (rank >= 2, [..., m, n]):
 *   R   = lerp(R, mean of G^2 over each row, w)     (row_var, [..., m, 1])
 *   C   = lerp(C, mean of G^2 over each column, w)  (col_var, [..., 1, n])
 *   V   = R C / max(mean(R), eps1)
 * vectors and scalars:
 *   V   = lerp(V, G^2, w)                          (variance)
 * U     = G / sqrt(max(V, eps1^2))                 (matrices: G min(1 / sqrt(R') 1 / sqrt(C), 1 / eps1))
 * p     = p - alpha / max(1, RMS(U) / d) * U
 * </pre>
 * {@code lerp(a, b, w) = a + w (b - a)} is ATen's {@code lerp_}. As in PyTorch, {@code lr} is the
 * largest relative step and scales the decoupled weight decay, {@code eps1} (None: float32's machine
 * epsilon, {@code 2^-23}) floors the mean of the row factor and the estimate, and the RMS maxima are
 * Python's {@code max} (a NaN RMS leaves {@code eps2} and 1). For a matrix the estimate's inverse
 * root factors too: with {@code R' = R / max(mean(R), eps1)}, {@code 1 / sqrt(max(V, eps1^2))} is
 * {@code min(1 / sqrt(R') * 1 / sqrt(C), 1 / eps1)}, whose roots are taken once per row and column,
 * so a matrix's elements cost two products and no root or division (the rounding differs from
 * PyTorch's {@code rsqrt(R C / mean)} in the last bits).
 *
 * <p>Not in PyTorch: the paper's optional first moment ({@code beta1}, 0 by default, which keeps none).
 * With {@code beta1 > 0}, an {@code exp_avg} buffer averages the scaled step, as tensor2tensor, fairseq
 * and optax apply it: {@code m = beta1 m + (1 - beta1) alpha / max(1, RMS(U) / d) U}, {@code p = p - m}
 * (after the decay).
 *
 * <p>A step of a matrix is five passes (the step needs its row and column means before any element
 * can be updated, and the RMS of the whole update before any is applied): the squares of the gradient
 * summed per row and per column in blocks of rows; the factors (on the stepping thread, {@code m + n}
 * values); the squares of the parameter and the update summed per block; the step size; the update.
 * The blocks are a function of the shape alone and their sums are added in block order, so a step
 * gives the same bits on any number of threads. Per element a step reads the gradient three times and
 * the parameter twice and writes the parameter once (plus one read and write of {@code exp_avg}).
 *
 * <p>Defaults (PyTorch's): lr 1e-2, beta2_decay -0.8, eps (None, 1e-3), d 1.0, weight_decay 0,
 * maximize false; beta1 0.
 */
public final class Adafactor extends Optimizer {

    /** {@code lr}: the cap of the relative step size, which also scales the weight decay. */
    public static final Hyperparameter LR = Hyperparameter.atLeast("lr", 1e-2, 0);
    /** {@code beta2_decay}: the exponent of the second moment's decay rate, {@code 1 - t^beta2_decay}. */
    public static final Hyperparameter BETA2_DECAY = Hyperparameter.atMost("beta2_decay", -0.8, 0);
    /** {@code eps1}: the floor under the second moment's estimate; PyTorch's None is float32's machine epsilon. */
    public static final Hyperparameter EPS1 = Hyperparameter.atLeast("eps1", Math.ulp(1f), 0).orNone();
    /** {@code eps2}: the floor of the parameter's root mean square that scales the step. */
    public static final Hyperparameter EPS2 = Hyperparameter.atLeast("eps2", 1e-3, 0);
    /** {@code d}: the update clipping threshold of the update's root mean square. */
    public static final Hyperparameter D = Hyperparameter.atLeast("d", 1.0, 1);
    /** {@code weight_decay}: the decoupled weight decay coefficient. */
    public static final Hyperparameter WEIGHT_DECAY = Hyperparameter.atLeast("weight_decay", 0, 0);
    /** {@code beta1}: the decay rate of the paper's first moment; 0 (and None) keeps none. */
    public static final Hyperparameter BETA1 = Hyperparameter.inHalfOpen("beta1", 0, 0, 1).orNone();
    /** {@code maximize}: whether to maximize the objective instead of minimizing it. */
    public static final Hyperparameter MAXIMIZE = Hyperparameter.flag("maximize", false);

    private static final Hyperparameters DEFAULTS = Hyperparameters.defaults(
            List.of(LR, BETA2_DECAY, EPS1, EPS2, D, WEIGHT_DECAY, BETA1, MAXIMIZE), h -> { });

    /**
     * Adafactor's descriptor: {@code row_var} and {@code col_var} for parameters of rank 2 or more,
     * {@code variance} for the others, {@code exp_avg} with {@code beta1 > 0}; its traffic is a
     * matrix's.
     */
    public static final Rule RULE = Rule.builder("Adafactor", DEFAULTS, Adafactor::new)
            .preferredVectorBits(256)
            .add(new Rule.Buffer("row_var", s -> s.length >= 2 ? reduced(s, s.length - 1) : null,
                    Rule.Buffer.ALWAYS, h -> 0))
            .add(new Rule.Buffer("col_var", s -> s.length >= 2 ? reduced(s, s.length - 2) : null,
                    Rule.Buffer.ALWAYS, h -> 0))
            .add(new Rule.Buffer("variance", s -> s.length < 2 ? s : null, Rule.Buffer.ALWAYS, h -> 0))
            .bufferWhen("exp_avg", h -> h.get(BETA1) > 0)
            .keepsFloat32State("its second moments are factored into row and column vectors, already a fraction of"
                    + " the parameter's size, and its step makes several passes (row and column sums, the update's"
                    + " norm) where compressed state is decoded for one element-wise pass only")
            .traffic(h -> h.get(BETA1) > 0 ? new Rule.Traffic(6, 2) : new Rule.Traffic(5, 1))
            .build();

    /**
     * Fewest elements per block of rows of a factored step: smaller blocks would add per-block sums
     * and partial column sums without giving threads enough to do.
     */
    static final int MIN_BLOCK = 1 << 16;

    /** Most blocks per matrix, so the partial column sums stay a few rows' worth. */
    static final int MAX_BLOCKS = 16;

    /** Elements per block of the sums of a vector's step. */
    static final int VECTOR_BLOCK = 4096;

    /**
     * PyTorch's defaults, and no first moment.
     *
     * @return the defaults, to change with {@link Hyperparameters#with(String, double)}
     */
    public static Hyperparameters defaults() {
        return DEFAULTS;
    }

    /**
     * An optimizer over {@code parameters}, all in its first group, with {@code hyperparameters} from {@link #defaults()}.
     *
     * @param parameters the first group's parameters
     * @param hyperparameters the first group's hyperparameters
     */
    public Adafactor(List<Parameter> parameters, Hyperparameters hyperparameters) {
        super(RULE, parameters, hyperparameters);
    }

    /** {@code shape} with dimension {@code dim} reduced to 1. */
    private static int[] reduced(int[] shape, int dim) {
        int[] s = shape.clone();
        s[dim] = 1;
        return s;
    }

    @Override
    protected StepPlan plan(Parameter p, ParameterState state, Hyperparameters h, long step, StepContext context) {
        AdafactorCoefficients c = AdafactorCoefficients.forStep(h, step, context);
        float[] m = c.momentum() ? state.buffer("exp_avg") : null;
        int[] shape = p.shape();
        return shape.length >= 2 ? factored(p.size(), shape, state, m, c) : unfactored(p.size(), state, m, c);
    }

    /**
     * How a factored parameter of {@code batches} matrices of {@code rows x cols} is cut: blocks of
     * {@code blockRows} rows are what threads get (whole segments); a segment of {@code segmentRows}
     * rows keeps its own partial column sums and its own sums of squares. A single matrix is cut into
     * up to {@link #MAX_BLOCKS} blocks of at least {@link #MIN_BLOCK} elements, each its own segment;
     * a stack of matrices into blocks of whole matrices, each matrix a segment. Both depend on the
     * shape alone.
     */
    record Blocks(int batches, int rows, int cols, int segmentRows, int blockRows, int segments) {

        static Blocks of(int[] shape) {
            int rank = shape.length;
            int rows = shape[rank - 2];
            int cols = shape[rank - 1];
            int batches = 1;
            for (int i = 0; i < rank - 2; i++) {
                batches *= shape[i];
            }
            if (rows == 0 || cols == 0 || batches == 0) {
                return new Blocks(batches, rows, cols, 1, 1, batches == 1 ? 1 : batches);
            }
            if (batches == 1) {
                int perBlock = Math.max(ceilDiv(rows, MAX_BLOCKS), ceilDiv(MIN_BLOCK, cols));
                int blockRows = Math.min(rows, perBlock);
                return new Blocks(1, rows, cols, blockRows, blockRows, ceilDiv(rows, blockRows));
            }
            int matrices = Math.min(batches, Math.max(ceilDiv(batches, MAX_BLOCKS), ceilDiv(MIN_BLOCK, rows * cols)));
            return new Blocks(batches, rows, cols, rows, rows * matrices, batches);
        }

        private static int ceilDiv(int a, int b) {
            return (a + b - 1) / b;
        }

        int totalRows() {
            return batches * rows;
        }

        /** The first row of segment {@code s}. */
        int firstRow(int s) {
            return s * segmentRows;
        }

        /** The rows of segment {@code s}. */
        int rowsOf(int s) {
            return Math.min(segmentRows, totalRows() - firstRow(s));
        }

        /** The matrix segment {@code s} lies in. */
        int batchOf(int s) {
            return batches == 1 ? 0 : s;
        }
    }

    private StepPlan factored(int size, int[] shape, ParameterState state, float[] m, AdafactorCoefficients c) {
        Blocks b = Blocks.of(shape);
        int cols = b.cols();
        float[] rowVar = state.buffer("row_var");
        float[] colVar = state.buffer("col_var");
        float[] rowSums = new float[b.totalRows()];
        float[] colSums = new float[b.segments() * cols];
        float[] rowScale = new float[b.totalRows()];
        float[] colScale = new float[b.batches() * cols];
        double[] sums = new double[2 * b.segments()];
        float[] stepSize = new float[1];
        int alignment = Math.max(1, b.blockRows() * cols);

        StepPlan.Pass squares = StepPlan.Pass.blocked(alignment, (v, vOff, g, gOff, from, n) -> {
            forEachSegment(b, from, n, (s, row, offset) -> kernels().adafactorSquareSums(g, gOff + offset, b.rowsOf(s),
                    cols, rowSums, row, colSums, s * cols, c));
        });
        StepPlan.Pass factors = StepPlan.Pass.whole((v, vOff, g, gOff, from, n) ->
                updateFactors(b, rowVar, colVar, rowSums, colSums, rowScale, colScale, c));
        StepPlan.Pass norms = StepPlan.Pass.blocked(alignment, (v, vOff, g, gOff, from, n) -> {
            forEachSegment(b, from, n, (s, row, offset) -> kernels().adafactorFactoredSquares(v, vOff + offset,
                    g, gOff + offset, b.rowsOf(s), cols, rowScale, row, colScale, b.batchOf(s) * cols, sums, 2 * s, c));
        });
        StepPlan.Pass stepSizePass = StepPlan.Pass.whole((v, vOff, g, gOff, from, n) -> stepSize[0] = stepSize(sums, size, c));
        StepPlan.Pass update = StepPlan.Pass.blocked(alignment, (v, vOff, g, gOff, from, n) -> {
            forEachSegment(b, from, n, (s, row, offset) -> kernels().adafactorFactoredUpdate(v, vOff + offset,
                    g, gOff + offset, m, from + offset, b.rowsOf(s), cols, rowScale, row, colScale,
                    b.batchOf(s) * cols, stepSize[0], c));
        });
        return StepPlan.of(squares, factors, norms, stepSizePass, update);
    }

    /** A segment of a call: its index, its first row and that row's element offset from the call's start. */
    @FunctionalInterface
    private interface SegmentTask {
        void run(int segment, int firstRow, int offset);
    }

    /** Runs {@code task} for every segment of elements {@code [from, from + n)}, which are whole blocks. */
    private static void forEachSegment(Blocks b, int from, int n, SegmentTask task) {
        int cols = b.cols();
        if (n == 0 || cols == 0) {
            return;
        }
        int firstRow = from / cols;
        int endRow = (from + n) / cols;
        for (int s = firstRow / b.segmentRows(); s < b.segments() && b.firstRow(s) < endRow; s++) {
            int row = b.firstRow(s);
            task.run(s, row, (row - firstRow) * cols);
        }
    }

    /**
     * The factors' step, on {@code m + n} values: the column sums of each matrix from its segments in
     * order, both factors moved toward this step's means, and the inverse roots of the estimate's
     * factors, {@code 1 / sqrt(row_var / max(mean(row_var), eps1))} per row and
     * {@code 1 / sqrt(col_var)} per column (each computed in double and rounded once).
     */
    private static void updateFactors(Blocks b, float[] rowVar, float[] colVar, float[] rowSums, float[] colSums,
                                      float[] rowScale, float[] colScale, AdafactorCoefficients c) {
        int rows = b.rows();
        int cols = b.cols();
        for (int k = 0; k < b.batches(); k++) {
            for (int col = 0; col < cols; col++) {
                float sum = 0;
                if (b.batches() == 1) {
                    for (int s = 0; s < b.segments(); s++) {
                        sum += colSums[s * cols + col];
                    }
                } else {
                    sum = colSums[k * cols + col]; // a stack's matrix is one segment
                }
                int at = k * cols + col;
                colVar[at] = c.lerp(colVar[at], sum / rows);
                colScale[at] = (float) (1 / Math.sqrt(colVar[at]));
            }
        }
        for (int r = 0; r < b.totalRows(); r++) {
            rowVar[r] = c.lerp(rowVar[r], rowSums[r] / cols);
        }
        for (int k = 0; k < b.batches(); k++) {
            double sum = 0;
            for (int r = k * rows; r < (k + 1) * rows; r++) {
                sum += rowVar[r];
            }
            float mean = (float) (sum / rows);
            float floor = mean >= c.eps1() || Float.isNaN(mean) ? mean : c.eps1();
            for (int r = k * rows; r < (k + 1) * rows; r++) {
                rowScale[r] = (float) (1 / Math.sqrt(rowVar[r] / (double) floor));
            }
        }
    }

    private StepPlan unfactored(int size, ParameterState state, float[] m, AdafactorCoefficients c) {
        float[] variance = state.buffer("variance");
        int blocks = Math.max(1, (size + VECTOR_BLOCK - 1) / VECTOR_BLOCK);
        double[] sums = new double[2 * blocks];
        float[] stepSize = new float[1];
        StepPlan.Pass squares = StepPlan.Pass.blocked(VECTOR_BLOCK, (v, vOff, g, gOff, from, n) -> {
            for (int at = 0; at < n; at += VECTOR_BLOCK) {
                kernels().adafactorVectorSquares(v, vOff + at, g, gOff + at, variance, from + at,
                        Math.min(VECTOR_BLOCK, n - at), sums, 2 * ((from + at) / VECTOR_BLOCK), c);
            }
        });
        StepPlan.Pass stepSizePass = StepPlan.Pass.whole((v, vOff, g, gOff, from, n) -> stepSize[0] = stepSize(sums, size, c));
        StepPlan.Pass update = StepPlan.Pass.elementWise((v, vOff, g, gOff, from, n) ->
                kernels().adafactorVectorUpdate(v, vOff, g, gOff, variance, from, m, from, n, stepSize[0], c));
        return StepPlan.of(squares, stepSizePass, update);
    }

    /** The step size from the per-segment sums, added in segment order. */
    private static float stepSize(double[] sums, int size, AdafactorCoefficients c) {
        double parameter = 0;
        double update = 0;
        for (int s = 0; s < sums.length; s += 2) {
            parameter += sums[s];
            update += sums[s + 1];
        }
        return c.stepSize(parameter, update, size);
    }
}
