package vecopt.bench.convergence;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MatrixProductsTest {

    @AfterEach
    void oneThreadAgain() {
        MatrixProducts.setThreads(1);
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        return a;
    }

    /** sum_p a[i][p] b[p][j] in float64, a {@code m x k} stored transposed when {@code aT}. */
    private static double dot(float[] a, boolean aT, float[] b, int m, int k, int n, int i, int j) {
        double s = 0;
        for (int p = 0; p < k; p++) {
            s += (double) (aT ? a[p * m + i] : a[i * k + p]) * b[p * n + j];
        }
        return s;
    }

    /**
     * Sizes with whole 4-row tiles and leftover rows, whole vectors and scalar tail columns, and more
     * than one 128-long block of the inner dimension.
     */
    @Test
    void multiplyAddAddsTheProductToCWithinFloatRounding() {
        int m = 70;
        int k = 300;
        int n = 45;
        float[] a = random(m * k, 1);
        float[] b = random(k * n, 2);
        float[] c = random(m * n, 3);
        float[] c0 = c.clone();
        MatrixProducts.multiplyAdd(a, b, c, m, k, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertEquals(c0[i * n + j] + dot(a, false, b, m, k, n, i, j), c[i * n + j], 1e-4, i + "," + j);
            }
        }
    }

    @Test
    void twoThreadsGiveTheBitsOfOne() {
        int m = 131;
        int k = 200;
        int n = 37;
        float[] a = random(m * k, 4);
        float[] b = random(k * n, 5);
        float[] one = new float[m * n];
        float[] two = new float[m * n];
        MatrixProducts.multiplyAdd(a, b, one, m, k, n);
        MatrixProducts.setThreads(2);
        MatrixProducts.multiplyAdd(a, b, two, m, k, n);
        assertArrayEquals(one, two);
    }

    @Test
    void transposeSwapsRowsAndColumns() {
        int rows = 37;
        int cols = 70;
        float[] a = random(rows * cols, 6);
        float[] t = new float[rows * cols];
        MatrixProducts.transpose(a, rows, cols, t);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertEquals(a[i * cols + j], t[j * rows + i]);
            }
        }
    }

    @Test
    void rejectsThreeThreads() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MatrixProducts.setThreads(3));
        assertEquals("threads must be 1 or 2, got threads=3", e.getMessage());
        assertEquals(1, MatrixProducts.threads());
    }

    /** Linear's forward z = x W + b and backward x' dz, column sums of dz, dz W' against float64 loops. */
    @Test
    void linearPassesMatchFloat64References() {
        int rows = 70;
        int in = 150;
        int out = 45;
        Linear layer = new Linear("fc", in, out, new SplittableRandom(7));
        FMatrixRMaj x = FMatrixRMaj.wrap(rows, in, random(rows * in, 8));
        FMatrixRMaj z = new FMatrixRMaj(1, 1);
        layer.forward(x, z);
        float[] w = layer.w.data;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < out; j++) {
                assertEquals(layer.b.data[j] + dot(x.data, false, w, rows, in, out, i, j), z.get(i, j), 1e-4, "z " + i + "," + j);
            }
        }
        FMatrixRMaj dz = FMatrixRMaj.wrap(rows, out, random(rows * out, 9));
        FMatrixRMaj dx = new FMatrixRMaj(1, 1);
        layer.backward(x, dz, dx);
        for (int p = 0; p < in; p++) {
            for (int j = 0; j < out; j++) {
                assertEquals(dot(x.data, true, dz.data, in, rows, out, p, j), layer.gradW.get(p, j), 1e-4, "dW " + p + "," + j);
            }
        }
        for (int j = 0; j < out; j++) {
            double s = 0;
            for (int i = 0; i < rows; i++) {
                s += dz.get(i, j);
            }
            assertEquals(s, layer.gradB.data[j], 1e-4, "db " + j);
        }
        assertEquals(rows, dx.numRows);
        assertEquals(in, dx.numCols);
        for (int i = 0; i < rows; i++) {
            for (int p = 0; p < in; p++) {
                double s = 0;
                for (int j = 0; j < out; j++) {
                    s += (double) dz.get(i, j) * w[p * out + j];
                }
                assertEquals(s, dx.get(i, p), 1e-4, "dx " + i + "," + p);
            }
        }
    }
}
