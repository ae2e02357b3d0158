package vecopt.examples;

import vecopt.engine.Adam;
import vecopt.engine.schedule.CosineAnnealing;
import vecopt.engine.schedule.HyperparameterScheduler;
import vecopt.engine.schedule.LinearFactor;
import vecopt.engine.schedule.Schedule;

/** Linear warmup, then cosine annealing of Adam's learning rate, stepped once per training step. */
public final class Schedules {

    public static void main(String[] args) {
        double[] lr = train(200);
        System.out.printf("lr at steps 0, 10, 100, 199: %.5f %.5f %.5f %.5f%n", lr[0], lr[10], lr[100], lr[199]);
    }

    /** Trains the {@link TinyMlp} for {@code steps} steps; returns the learning rate each step used. */
    static double[] train(int steps) {
        TinyMlp model = TinyMlp.create(3);
        Adam adam = new Adam(model.parameters(), Adam.defaults().with("lr", 0.01));
        Schedule warmupThenCosine = LinearFactor.warmup(0.1, 10).then(10, new CosineAnnealing(190, 1e-4));
        var scheduler = new HyperparameterScheduler(adam, "lr", warmupThenCosine);

        double[] used = new double[steps];
        for (int step = 0; step < steps; step++) {
            used[step] = adam.paramGroups().get(0).lr();
            model.forwardBackward();
            adam.step();
            scheduler.step();     // 0.001 rising to 0.01 over 10 steps, then a cosine down to 1e-4
        }
        return used;
    }
}
