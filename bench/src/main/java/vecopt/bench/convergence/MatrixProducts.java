package vecopt.bench.convergence;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import vecopt.engine.kernels.OptimizerKernels;
import vecopt.engine.kernels.OptimizerKernelsProvider;

/**
 * The matrix products of {@link Linear}: {@code C += A B} on row-major float arrays through the engine's
 * {@link OptimizerKernels#matmulAdd}, whose order of operations per element of {@code C} is fixed
 * ({@code C[i][j] = fma(A[i][p], B[p][j], C[i][j])} for p = 0 .. k-1), so the bits depend neither on the
 * kernel (scalar or Panama, any vector width) nor on how the rows of {@code C} are shared among threads.
 * With {@link #setThreads} 2 the rows are split in two halves, one on the calling thread.
 */
final class MatrixProducts {

    static final OptimizerKernels KERNELS = OptimizerKernelsProvider.get();
    /** Rows of {@code C} below which a product stays on the calling thread. */
    static final int MIN_PARALLEL_ROWS = 64;
    private static final int TRANSPOSE_BLOCK = 32;

    private static volatile int threads = 1;
    private static ExecutorService helper;

    private MatrixProducts() {
    }

    /** Threads per product from now on: 1 or 2. */
    static synchronized void setThreads(int n) {
        if (n != 1 && n != 2) {
            throw new IllegalArgumentException("threads must be 1 or 2, got threads=" + n);
        }
        if (n == 2 && helper == null) {
            helper = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "vecopt-matmul");
                t.setDaemon(true);
                return t;
            });
        }
        threads = n;
    }

    static int threads() {
        return threads;
    }

    /** The kernels' name, for tables: "panama" or "scalar". */
    static String kernelName() {
        return KERNELS.name();
    }

    /** {@code C += A B}: A is {@code m x k}, B {@code k x n}, C {@code m x n}, all row-major from index 0. */
    static void multiplyAdd(float[] a, float[] b, float[] c, int m, int k, int n) {
        if (threads == 1 || m < MIN_PARALLEL_ROWS) {
            KERNELS.matmulAdd(false, a, 0, b, 0, c, 0, m, k, n, 1f);
            return;
        }
        int half = m / 2;
        Future<?> second = helper.submit(() -> KERNELS.matmulAdd(false, a, half * k, b, 0, c, half * n, m - half, k, n, 1f));
        KERNELS.matmulAdd(false, a, 0, b, 0, c, 0, half, k, n, 1f);
        try {
            second.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a matrix product", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("matrix product failed", e.getCause());
        }
    }

    /** {@code dst} ({@code cols x rows}) = the transpose of {@code src} ({@code rows x cols}), in blocks. */
    static void transpose(float[] src, int rows, int cols, float[] dst) {
        for (int i0 = 0; i0 < rows; i0 += TRANSPOSE_BLOCK) {
            int i1 = Math.min(rows, i0 + TRANSPOSE_BLOCK);
            for (int j0 = 0; j0 < cols; j0 += TRANSPOSE_BLOCK) {
                int j1 = Math.min(cols, j0 + TRANSPOSE_BLOCK);
                for (int i = i0; i < i1; i++) {
                    int row = i * cols;
                    for (int j = j0; j < j1; j++) {
                        dst[j * rows + i] = src[row + j];
                    }
                }
            }
        }
    }
}
