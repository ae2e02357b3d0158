package vecopt.bench.convergence;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * A fully connected layer z = x W + b on EJML matrices (as containers; the products are the engine's
 * fixed-order {@code matmulAdd}, through {@link MatrixProducts}). W ({@code in x out}), b and their gradients
 * are four float arrays that the EJML matrices wrap and the vecopt parameters view: the optimizer
 * updates exactly the arrays the forward pass reads, and the backward pass writes exactly the arrays
 * the optimizer reads. Nothing is copied.
 */
final class Linear {

    final FMatrixRMaj w;
    final FMatrixRMaj b;
    final FMatrixRMaj gradW;
    final FMatrixRMaj gradB;
    final Parameter weight;
    final Parameter bias;
    /** Scratch for x' and W' in the backward pass. */
    private float[] xT = new float[0];
    private float[] wT = new float[0];

    /** PyTorch's {@code nn.Linear} initialisation: W and b uniform in +-1/sqrt(in). */
    Linear(String name, int in, int out, SplittableRandom random) {
        float[] wa = new float[in * out];
        float[] ba = new float[out];
        float bound = (float) (1 / Math.sqrt(in));
        for (int i = 0; i < wa.length; i++) {
            wa[i] = (float) random.nextDouble(-bound, bound);
        }
        for (int i = 0; i < ba.length; i++) {
            ba[i] = (float) random.nextDouble(-bound, bound);
        }
        float[] gwa = new float[in * out];
        float[] gba = new float[out];
        w = FMatrixRMaj.wrap(in, out, wa);
        b = FMatrixRMaj.wrap(1, out, ba);
        gradW = FMatrixRMaj.wrap(in, out, gwa);
        gradB = FMatrixRMaj.wrap(1, out, gba);
        weight = new Parameter(name + ".weight", FloatTensor.of(wa).reshape(in, out), FloatTensor.of(gwa).reshape(in, out));
        bias = new Parameter(name + ".bias", FloatTensor.of(ba), FloatTensor.of(gba));
    }

    int in() {
        return w.numRows;
    }

    int out() {
        return w.numCols;
    }

    /** z = x W + b, for a batch of rows x; z is reshaped to fit. */
    void forward(FMatrixRMaj x, FMatrixRMaj z) {
        int n = x.numRows;
        int m = out();
        z.reshape(n, m, false);
        float[] zd = z.data;
        float[] bd = b.data;
        for (int i = 0; i < n; i++) {
            System.arraycopy(bd, 0, zd, i * m, m);
        }
        MatrixProducts.multiplyAdd(x.data, w.data, zd, n, in(), m);
    }

    /**
     * From dL/dz: writes dL/dW = x' dz and dL/db = column sums of dz into the gradient arrays, and
     * dL/dx = dz W' into {@code gradX} unless it is null. x' and W' are transposed into scratch arrays
     * first, as the kernel multiplies untransposed right-hand sides only.
     */
    void backward(FMatrixRMaj x, FMatrixRMaj gradZ, FMatrixRMaj gradX) {
        int n = x.numRows;
        int in = in();
        int out = out();
        xT = grown(xT, n * in);
        MatrixProducts.transpose(x.data, n, in, xT);
        java.util.Arrays.fill(gradW.data, 0f);
        MatrixProducts.multiplyAdd(xT, gradZ.data, gradW.data, in, n, out);
        float[] gb = gradB.data;
        java.util.Arrays.fill(gb, 0f);
        float[] gz = gradZ.data;
        for (int i = 0; i < n; i++) {
            int row = i * out;
            for (int j = 0; j < out; j++) {
                gb[j] += gz[row + j];
            }
        }
        if (gradX != null) {
            wT = grown(wT, in * out);
            MatrixProducts.transpose(w.data, in, out, wT);
            gradX.reshape(n, in, false);
            java.util.Arrays.fill(gradX.data, 0, n * in, 0f);
            MatrixProducts.multiplyAdd(gz, wT, gradX.data, n, out, in);
        }
    }

    private static float[] grown(float[] a, int size) {
        return a.length >= size ? a : new float[size];
    }
}
