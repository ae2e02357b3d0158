package vecopt.examples;

import vecopt.engine.Sgd;
import vecopt.engine.schedule.ChainedScheduler;
import vecopt.engine.schedule.ExponentialDecay;
import vecopt.engine.schedule.HyperparameterScheduler;
import vecopt.engine.schedule.StepDecay;

/** Two schedulers on one learning rate, chained as PyTorch's are: each moves the current value by its factor. */
public final class ChainedSchedules {

    public static void main(String[] args) {
        double[] lr = train(4);
        System.out.printf("lr at steps 0 to 3: %s %s %s %s%n", lr[0], lr[1], lr[2], lr[3]);
    }

    /** Trains the {@link TinyMlp} with SGD for {@code steps} steps; returns the learning rate each step used. */
    static double[] train(int steps) {
        TinyMlp model = TinyMlp.create(19);
        Sgd sgd = new Sgd(model.parameters(), Sgd.defaults().with("lr", 1.0));
        var halve = new HyperparameterScheduler(sgd, "lr", new StepDecay(1, 0.5));
        var decay = new HyperparameterScheduler(sgd, "lr", new ExponentialDecay(0.9));
        var both = new ChainedScheduler(halve, decay);                   // one step() steps both, all or nothing

        double[] used = new double[steps];
        for (int step = 0; step < steps; step++) {
            used[step] = sgd.paramGroups().get(0).lr();                  // 1.0, 0.45, 0.2025, ...
            model.forwardBackward();
            sgd.step();
            both.step();
        }
        return used;
    }
}
