package vecopt.examples;

import vecopt.engine.LBFGS;

/**
 * Fits the {@link TinyMlp} with L-BFGS and PyTorch's strong Wolfe line search: each step calls the
 * closure as often as it needs, on the whole batch, and returns the loss of its first call.
 */
public final class FitWithLbfgs {

    public static void main(String[] args) {
        double[] losses = train(TinyMlp.create(3), 10);
        System.out.printf("loss at the start of step 1: %.5f, of step 10: %.7f%n", losses[0], losses[9]);
    }

    /** Runs {@code steps} LBFGS steps on {@code model}; returns what each step returned. */
    static double[] train(TinyMlp model, int steps) {
        double[] losses = new double[steps];
        LBFGS lbfgs = new LBFGS(model.parameters(), LBFGS.defaults().with("line_search_fn", "strong_wolfe"));
        for (int step = 0; step < steps; step++) {
            losses[step] = lbfgs.step(() -> {        // up to max_iter (20) iterations
                lbfgs.zeroGrad();
                return model.forwardBackward();      // writes the gradients, returns the loss
            });                                      // the loss of the closure's first call
        }
        return losses;
    }
}
