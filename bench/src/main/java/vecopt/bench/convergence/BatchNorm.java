package vecopt.bench.convergence;

import org.ejml.data.FMatrixRMaj;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Batch normalisation over the rows of a batch, as {@code torch.nn.BatchNorm1d}: in training mode
 * y = gamma (z - mean) / sqrt(var + eps) + beta with the batch's mean and biased variance, and the
 * running statistics move by {@code momentum} towards the batch's mean and unbiased variance; in
 * evaluation mode the running statistics replace the batch's. gamma starts at 1, beta at 0, the
 * running mean at 0 and the running variance at 1.
 */
final class BatchNorm {

    static final double EPS = 1e-5;
    static final double MOMENTUM = 0.1;

    final int features;
    final float[] gamma;
    final float[] beta;
    final float[] gradGamma;
    final float[] gradBeta;
    final Parameter gammaParameter;
    final Parameter betaParameter;
    final float[] runningMean;
    final float[] runningVar;
    /** The last training batch's normalised inputs and 1 / sqrt(var + eps), kept for the backward pass. */
    private final FMatrixRMaj normalised = new FMatrixRMaj(1, 1);
    private final double[] invStd;

    BatchNorm(String name, int features) {
        this.features = features;
        gamma = new float[features];
        java.util.Arrays.fill(gamma, 1f);
        beta = new float[features];
        gradGamma = new float[features];
        gradBeta = new float[features];
        gammaParameter = new Parameter(name + ".weight", FloatTensor.of(gamma), FloatTensor.of(gradGamma));
        betaParameter = new Parameter(name + ".bias", FloatTensor.of(beta), FloatTensor.of(gradBeta));
        runningMean = new float[features];
        runningVar = new float[features];
        java.util.Arrays.fill(runningVar, 1f);
        invStd = new double[features];
    }

    /** Normalises {@code z} in place, with the batch's statistics when {@code training}, else the running ones. */
    void forward(FMatrixRMaj z, boolean training) {
        int n = z.numRows;
        float[] d = z.data;
        if (!training) {
            for (int i = 0; i < n; i++) {
                int row = i * features;
                for (int j = 0; j < features; j++) {
                    d[row + j] = (float) (gamma[j] * (d[row + j] - runningMean[j]) / Math.sqrt(runningVar[j] + EPS) + beta[j]);
                }
            }
            return;
        }
        if (n < 2) {
            throw new IllegalArgumentException("batch normalisation needs at least 2 rows in training mode, got " + n);
        }
        double[] mean = new double[features];
        double[] var = new double[features];
        for (int i = 0; i < n; i++) {
            int row = i * features;
            for (int j = 0; j < features; j++) {
                mean[j] += d[row + j];
            }
        }
        for (int j = 0; j < features; j++) {
            mean[j] /= n;
        }
        for (int i = 0; i < n; i++) {
            int row = i * features;
            for (int j = 0; j < features; j++) {
                double c = d[row + j] - mean[j];
                var[j] += c * c;
            }
        }
        normalised.reshape(n, features, false);
        float[] xh = normalised.data;
        for (int j = 0; j < features; j++) {
            invStd[j] = 1 / Math.sqrt(var[j] / n + EPS);
            runningMean[j] = (float) ((1 - MOMENTUM) * runningMean[j] + MOMENTUM * mean[j]);
            runningVar[j] = (float) ((1 - MOMENTUM) * runningVar[j] + MOMENTUM * var[j] / (n - 1));
        }
        for (int i = 0; i < n; i++) {
            int row = i * features;
            for (int j = 0; j < features; j++) {
                float h = (float) ((d[row + j] - mean[j]) * invStd[j]);
                xh[row + j] = h;
                d[row + j] = gamma[j] * h + beta[j];
            }
        }
    }

    /**
     * From dL/dy (in {@code grad}, overwritten with dL/dz) after a training-mode forward pass: writes
     * dL/dgamma and dL/dbeta, and dL/dz = gamma invStd (dy - mean(dy) - xhat mean(dy xhat)).
     */
    void backward(FMatrixRMaj grad) {
        int n = grad.numRows;
        float[] g = grad.data;
        float[] xh = normalised.data;
        double[] sumG = new double[features];
        double[] sumGx = new double[features];
        for (int i = 0; i < n; i++) {
            int row = i * features;
            for (int j = 0; j < features; j++) {
                sumG[j] += g[row + j];
                sumGx[j] += g[row + j] * (double) xh[row + j];
            }
        }
        for (int j = 0; j < features; j++) {
            gradBeta[j] = (float) sumG[j];
            gradGamma[j] = (float) sumGx[j];
        }
        for (int i = 0; i < n; i++) {
            int row = i * features;
            for (int j = 0; j < features; j++) {
                g[row + j] = (float) (gamma[j] * invStd[j] * (g[row + j] - sumG[j] / n - xh[row + j] * sumGx[j] / n));
            }
        }
    }
}
