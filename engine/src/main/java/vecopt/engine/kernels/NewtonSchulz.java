package vecopt.engine.kernels;

import java.util.Arrays;

/**
 * Muon's orthogonalization of an update matrix by the quintic Newton–Schulz iteration of Keller
 * Jordan's Muon (and {@code torch.optim.Muon}'s {@code _zeropower_via_newtonschulz}), in float32:
 * <pre>
 * X = G / max(||G||_F, eps)
 * k times:  A = X X^T;  X = a X + (b A + c A A) X
 * </pre>
 * which maps the singular values of {@code G} into about {@code [0.7, 1.2]} and keeps its singular
 * vectors. It runs on the orientation whose Gram matrix is the smaller one: for {@code X} of
 * {@code m x n} with {@code m <= n}, on {@code Y = X^T}, where {@code (X X^T)^j X = (Y^T Y)^j}
 * transposed, so each iteration is
 * <pre>
 * G = Y^T Y  (m x m);  T = b G + c G G;  Y = a Y + Y T
 * </pre>
 * with every product one {@link OptimizerKernels#matmulAdd}, whose order of operations is fixed, and
 * the element-wise scalings plain loops here: the same bits on every kernel implementation.
 * PyTorch runs the iteration in bfloat16; this is float32 throughout.
 */
public final class NewtonSchulz {

    private NewtonSchulz() {
    }

    /**
     * The working memory of the iteration, kept between steps and grown to the largest matrix: the
     * update in the parameter's layout, its transpose, the next iterate, the Gram matrix and its
     * polynomial.
     */
    public static final class Workspace {
        private float[] update = new float[0];
        private float[] transposed = new float[0];
        private float[] next = new float[0];
        private float[] gram = new float[0];
        private float[] polynomial = new float[0];

        /** Grows the arrays for a {@code rows x cols} matrix; may throw {@link OutOfMemoryError}. */
        public void ensure(int rows, int cols) {
            int size = rows * cols;
            int m = Math.min(rows, cols);
            if (update.length < size) {
                update = new float[size];
                transposed = new float[size];
                next = new float[size];
            }
            if (gram.length < m * m) {
                gram = new float[m * m];
                polynomial = new float[m * m];
            }
        }

        /** The update matrix in the parameter's layout: what the momentum writes and the step reads. */
        public float[] update() {
            return update;
        }
    }

    /**
     * Replaces the {@code rows x cols} update in {@code w.update()} (row-major from index 0) by its
     * orthogonalization.
     */
    public static void orthogonalize(OptimizerKernels kernels, int rows, int cols, Workspace w, MuonCoefficients c) {
        int size = rows * cols;
        float[] x = w.update;
        float norm = (float) Math.sqrt(kernels.sumOfSquares(x, 0, size));
        float denominator = norm >= c.eps() || Float.isNaN(norm) ? norm : c.eps();
        boolean tall = rows >= cols;
        int tallRows = tall ? rows : cols;
        int m = tall ? cols : rows;
        float[] y = tall ? x : w.transposed;
        float[] z = w.next;
        if (tall) {
            for (int i = 0; i < size; i++) {
                y[i] = x[i] / denominator;
            }
        } else {
            for (int r = 0; r < rows; r++) {
                for (int col = 0; col < cols; col++) {
                    y[col * rows + r] = x[r * cols + col] / denominator;
                }
            }
        }
        float[] gram = w.gram;
        float[] t = w.polynomial;
        int mm = m * m;
        for (int step = 0; step < c.steps(); step++) {
            Arrays.fill(gram, 0, mm, 0f);
            kernels.matmulAdd(true, y, 0, y, 0, gram, 0, m, tallRows, m, 1f);       // G = Y^T Y
            for (int i = 0; i < mm; i++) {
                t[i] = c.b() * gram[i];
            }
            kernels.matmulAdd(false, gram, 0, gram, 0, t, 0, m, m, m, c.c());         // T = b G + c G G
            for (int i = 0; i < size; i++) {
                z[i] = c.a() * y[i];
            }
            kernels.matmulAdd(false, y, 0, t, 0, z, 0, tallRows, m, m, 1f);          // Z = a Y + Y T
            float[] swap = y;
            y = z;
            z = swap;
        }
        if (tall) {
            if (y != x) {
                System.arraycopy(y, 0, x, 0, size);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                for (int col = 0; col < cols; col++) {
                    x[r * cols + col] = y[col * rows + r];
                }
            }
        }
    }
}
