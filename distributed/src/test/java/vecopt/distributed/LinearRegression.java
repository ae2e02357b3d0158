package vecopt.distributed;

import java.util.SplittableRandom;

/**
 * Least squares with a known answer, for the training tests: rows {@code x} of a Gaussian matrix,
 * targets {@code y = x . w*}; loss {@code mean 0.5 (x . w - y)^2} over a minibatch. Worker {@code k} of
 * {@code K} draws its minibatches from rows {@code k, k + K, ...}.
 */
final class LinearRegression {

    final int rows, dimension;
    final float[] x, y, truth;

    LinearRegression(int rows, int dimension, long seed) {
        this.rows = rows;
        this.dimension = dimension;
        SplittableRandom random = new SplittableRandom(seed);
        truth = new float[dimension];
        for (int j = 0; j < dimension; j++) {
            truth[j] = (float) random.nextGaussian();
        }
        x = new float[rows * dimension];
        y = new float[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < dimension; j++) {
                x[i * dimension + j] = (float) (random.nextGaussian() / Math.sqrt(dimension));
                s += x[i * dimension + j] * truth[j];
            }
            y[i] = (float) s;
        }
    }

    /** Mean loss over every row. */
    double loss(float[] w) {
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            double e = residual(w, i);
            sum += 0.5 * e * e;
        }
        return sum / rows;
    }

    private double residual(float[] w, int i) {
        double dot = 0;
        for (int j = 0; j < dimension; j++) {
            dot += x[i * dimension + j] * w[j];
        }
        return dot - y[i];
    }

    /** Worker {@code worker} of {@code workers}, minibatches of {@code batch} rows. */
    GradientSource worker(int worker, int workers, int batch) {
        return new GradientSource() {
            @Override
            public int dimension() {
                return dimension;
            }

            @Override
            public int batchSize() {
                return batch;
            }

            @Override
            public double lossAndGradient(float[] params, float[] grad, long batchIndex) {
                java.util.Arrays.fill(grad, 0f);
                SplittableRandom random = new SplittableRandom(batchIndex * 1_000_003L + worker);
                int share = rows / workers;
                double loss = 0;
                for (int b = 0; b < batch; b++) {
                    int i = worker + workers * random.nextInt(share);
                    double e = residual(params, i);
                    loss += 0.5 * e * e;
                    for (int j = 0; j < dimension; j++) {
                        grad[j] += (float) (e * x[i * dimension + j] / batch);
                    }
                }
                return loss / batch;
            }
        };
    }
}
