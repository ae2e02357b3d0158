package vecopt.examples;

import java.util.List;
import vecopt.engine.AdamW;
import vecopt.engine.FlatParameters;

/**
 * Two parameter groups over two flat layouts: AdamW decays the weights but not the biases, and each
 * group's tensors are updated by one kernel call per step however many tensors it holds.
 */
public final class ParameterGroups {

    public static void main(String[] args) {
        System.out.printf("loss after 500 steps: %.5f%n", train(500));
    }

    /** Trains the {@link TinyMlp} for {@code steps} steps; returns the loss before the last step. */
    static double train(int steps) {
        FlatParameters weights = FlatParameters.builder("weights")
                .add("fc1.weight", 16, 2).add("fc2.weight", 1, 16).build();
        FlatParameters biases = FlatParameters.builder("biases")
                .add("fc1.bias", 16).add("fc2.bias", 1).build();
        TinyMlp model = TinyMlp.over(1, weights, biases);   // computes with views into the two flat arrays

        AdamW adamw = new AdamW(List.of(weights.parameter()), AdamW.defaults().with("lr", 0.01));
        adamw.addParamGroup(List.of(biases.parameter()), AdamW.defaults().with("lr", 0.01).with("weight_decay", 0));
        double loss = Double.NaN;
        for (int step = 0; step < steps; step++) {
            loss = model.forwardBackward();                  // writes the gradients into the flat arrays
            adamw.step();                                    // one fused kernel call per group
        }
        return loss;
    }
}
