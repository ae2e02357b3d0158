package vecopt.examples;

import vecopt.engine.AdamW;
import vecopt.engine.GradientAccumulation;

/** AdamW on the mean gradient of 4 micro-batches: one update per 4 calls of {@code step()}. */
public final class AccumulateGradients {

    public static void main(String[] args) {
        TinyMlp model = train(100);
        System.out.printf("loss after 100 updates of 4 micro-batches: %.5f%n", model.forwardBackward());
    }

    /** Trains the {@link TinyMlp} for {@code steps} updates, each on 4 micro-batches of 16 points. */
    static TinyMlp train(int steps) {
        TinyMlp model = TinyMlp.create(9);
        GradientAccumulation opt = GradientAccumulation.wrap(new AdamW(model.parameters(), AdamW.defaults()), 4);
        for (int micro = 0; micro < 4 * steps; micro++) {
            model.forwardBackward(micro % 4, 4);             // a quarter of the points
            opt.step();                                      // AdamW on the mean every 4th call
        }
        return model;
    }
}
