package vecopt.distributed;

/**
 * One worker's model and data: the loss on one of its minibatches and its gradient, at parameters the
 * training algorithm gives. Each worker has its own source, called from that worker's thread only.
 */
public interface GradientSource {

    /** Number of parameters. */
    int dimension();

    /** Examples in one minibatch, for counting examples seen. */
    int batchSize();

    /**
     * Writes into {@code grad} the gradient, at {@code params}, of the mean loss over minibatch number
     * {@code batch} of this worker, and returns that loss.
     */
    double lossAndGradient(float[] params, float[] grad, long batch);
}
