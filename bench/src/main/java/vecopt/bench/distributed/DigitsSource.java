package vecopt.bench.distributed;

import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import vecopt.bench.convergence.Digits;
import vecopt.bench.convergence.DigitsModel;
import vecopt.distributed.GradientSource;

/**
 * The convergence suite's digits MLP as one worker's gradient source: worker {@code k} of {@code K}
 * draws its minibatches from its own shard of the training set (examples {@code k, k + K, ...}).
 * Parameters are one flat vector, in the order of {@link DigitsModel#parameters()}.
 */
final class DigitsSource implements GradientSource {

    private final DigitsModel model;
    private final Digits.Dataset train;
    private final int[] shard;
    private final int batchSize;
    private final int worker;
    private final FMatrixRMaj x = new FMatrixRMaj(1, Digits.FEATURES);
    private final int[] labels;
    private final int[] rows;

    DigitsSource(int hidden, long initSeed, Digits.Dataset train, int worker, int workers, int batchSize) {
        this.model = DigitsModel.mlp(hidden, initSeed);
        this.train = train;
        this.worker = worker;
        this.batchSize = batchSize;
        int count = (train.size() - worker + workers - 1) / workers;
        shard = new int[count];
        for (int i = 0; i < count; i++) {
            shard[i] = worker + i * workers;
        }
        labels = new int[batchSize];
        rows = new int[batchSize];
    }

    /** The model's initial parameters, flat. */
    static float[] initialParameters(int hidden, long initSeed) {
        DigitsModel m = DigitsModel.mlp(hidden, initSeed);
        float[] flat = new float[m.parameterCount()];
        int at = 0;
        for (FMatrixRMaj w : m.matrices()) {
            System.arraycopy(w.data, 0, flat, at, w.getNumElements());
            at += w.getNumElements();
        }
        return flat;
    }

    /** Loads {@code params} into {@code model}'s matrices. */
    static void load(DigitsModel model, float[] params) {
        int at = 0;
        for (FMatrixRMaj w : model.matrices()) {
            System.arraycopy(params, at, w.data, 0, w.getNumElements());
            at += w.getNumElements();
        }
    }

    @Override
    public int dimension() {
        return model.parameterCount();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public double lossAndGradient(float[] params, float[] grad, long batch) {
        load(model, params);
        SplittableRandom random = new SplittableRandom(batch * 7919L + worker * 104_729L + 1);
        for (int i = 0; i < batchSize; i++) {
            rows[i] = shard[random.nextInt(shard.length)];
        }
        train.gather(rows, 0, batchSize, x, labels);
        double loss = model.lossAndGradient(x, labels);
        int at = 0;
        List<FMatrixRMaj> grads = model.gradientMatrices();
        for (FMatrixRMaj g : grads) {
            System.arraycopy(g.data, 0, grad, at, g.getNumElements());
            at += g.getNumElements();
        }
        return loss;
    }
}
