package vecopt.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import vecopt.engine.Adam;
import vecopt.engine.Lookahead;
import vecopt.engine.RAdam;
import vecopt.engine.Ranger;
import vecopt.engine.checkpoint.Checkpoints;

/** Lookahead around Adam, and Ranger (RAdam inside Lookahead), each checkpointed with its slow weights. */
public final class LookaheadAndRanger {

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("vecopt-example");
        Lookahead lookahead = lookahead(TinyMlp.create(5), 60);
        System.out.printf("Lookahead(Adam): %d steps, slow weights of fc1.weight start %s%n",
                lookahead.steps(), lookahead.slowWeights("fc1.weight")[0]);
        System.out.printf("Ranger loss: %.5f%n", ranger(60, dir.resolve("ranger.safetensors")).forwardBackward());
    }

    /** Trains {@code model} with Lookahead around Adam (k 5, alpha 0.5); returns the optimizer. */
    static Lookahead lookahead(TinyMlp model, int steps) {
        Lookahead opt = Lookahead.wrap(new Adam(model.parameters(), Adam.defaults().with("lr", 0.01)), 5, 0.5);
        for (int step = 0; step < steps; step++) {
            model.forwardBackward();
            opt.step();                                      // Adam; every 5th step also the sync
        }
        return opt;
    }

    /** Trains the {@link TinyMlp} with Ranger, then saves its state to {@code file}; returns the model. */
    static TinyMlp ranger(int steps, Path file) throws IOException {
        TinyMlp model = TinyMlp.create(5);
        Lookahead ranger = Ranger.create(model.parameters(), RAdam.defaults().with("lr", 0.01));
        for (int step = 0; step < steps; step++) {
            model.forwardBackward();
            ranger.step();                                   // RAdam; every 6th step also the sync
        }
        ranger.paramGroups().get(0).set("lr", 5e-3);         // RAdam's hyperparameters
        Checkpoints.save(ranger.inner(), file, ranger);      // slow weights as __schedulers__/0/<name>
        return model;
    }
}
