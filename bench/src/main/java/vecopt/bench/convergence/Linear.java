package vecopt.bench.convergence;

import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * A fully connected layer z = x W + b on EJML matrices. W ({@code in x out}), b and their gradients
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
        CommonOps_FDRM.mult(x, w, z);
        int n = z.numRows;
        int m = z.numCols;
        float[] zd = z.data;
        float[] bd = b.data;
        for (int i = 0; i < n; i++) {
            int row = i * m;
            for (int j = 0; j < m; j++) {
                zd[row + j] += bd[j];
            }
        }
    }

    /**
     * From dL/dz: writes dL/dW = x' dz and dL/db = column sums of dz into the gradient arrays, and
     * dL/dx = dz W' into {@code gradX} unless it is null.
     */
    void backward(FMatrixRMaj x, FMatrixRMaj gradZ, FMatrixRMaj gradX) {
        CommonOps_FDRM.multTransA(x, gradZ, gradW);
        CommonOps_FDRM.sumCols(gradZ, gradB);
        if (gradX != null) {
            CommonOps_FDRM.multTransB(gradZ, w, gradX);
        }
    }
}
