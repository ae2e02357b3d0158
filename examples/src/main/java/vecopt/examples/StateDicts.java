package vecopt.examples;

import java.util.List;
import vecopt.engine.Adam;
import vecopt.engine.Parameter;
import vecopt.engine.checkpoint.StateDict;
import vecopt.engine.schedule.CosineAnnealing;
import vecopt.engine.schedule.HyperparameterScheduler;

/**
 * PyTorch's {@code state_dict()} in memory: the state of Adam and its schedule half way through a run,
 * taken, the run continued, then the weights and the state put back into a fresh optimizer, which
 * trains the second half again, bit for bit.
 */
public final class StateDicts {

    public static void main(String[] args) {
        float[][][] halves = secondHalfTwice(50);
        System.out.printf("fc2.bias after the second half, twice: %s and %s%n", halves[0][3][0], halves[1][3][0]);
    }

    /**
     * Trains the {@link TinyMlp} of seed 17 for {@code 2 * half} steps, then goes back to the middle
     * with a state dict and trains the second half again; returns the weights after each second half.
     */
    static float[][][] secondHalfTwice(int half) {
        TinyMlp model = TinyMlp.create(17);
        Adam adam = new Adam(model.parameters(), Adam.defaults().with("lr", 0.01));
        var cosine = new HyperparameterScheduler(adam, "lr", new CosineAnnealing(2 * half, 1e-4));
        train(model, adam, cosine, half);

        StateDict middle = adam.stateDict(cosine);                       // a copy: stepping on leaves it as it is
        float[][] weights = copyOf(model.parameters());                  // the weights are yours to keep
        train(model, adam, cosine, half);
        float[][] first = copyOf(model.parameters());

        restore(model.parameters(), weights);
        Adam resumed = new Adam(model.parameters(), Adam.defaults());    // same groups, same parameter names
        var cosine2 = new HyperparameterScheduler(resumed, "lr", new CosineAnnealing(2 * half, 1e-4));
        resumed.loadStateDict(middle, cosine2);                          // checked as a file is, all or nothing
        train(model, resumed, cosine2, half);                            // the same bits as the first time
        return new float[][][] {first, copyOf(model.parameters())};
    }

    static void train(TinyMlp model, Adam adam, HyperparameterScheduler scheduler, int steps) {
        for (int step = 0; step < steps; step++) {
            model.forwardBackward();
            adam.step();
            scheduler.step();
        }
    }

    static float[][] copyOf(List<Parameter> parameters) {
        return parameters.stream().map(p -> p.value().toArray()).toArray(float[][]::new);
    }

    static void restore(List<Parameter> parameters, float[][] values) {
        for (int i = 0; i < values.length; i++) {
            var value = parameters.get(i).value();
            System.arraycopy(values[i], 0, value.array(), value.offset(), value.size());
        }
    }
}
