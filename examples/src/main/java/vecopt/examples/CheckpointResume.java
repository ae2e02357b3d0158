package vecopt.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import vecopt.engine.Adam;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.schedule.CosineAnnealing;
import vecopt.engine.schedule.HyperparameterScheduler;

/**
 * Trains 100 steps, saves the optimizer and its learning-rate schedule, then builds a fresh optimizer
 * as a restarted program would, loads the checkpoint and trains 100 more: the result is bit for bit
 * that of 200 uninterrupted steps.
 */
public final class CheckpointResume {

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("vecopt-example");
        TinyMlp model = trainSaveAndResume(dir);
        System.out.printf("loss after resuming: %.5f (checkpoint in %s)%n", model.forwardBackward(), dir.resolve("run"));
    }

    /** Trains the {@link TinyMlp} of seed 7, checkpointing into {@code dir/run/} half way; returns the model. */
    static TinyMlp trainSaveAndResume(Path dir) throws IOException {
        TinyMlp model = TinyMlp.create(7);
        Adam adam = new Adam(model.parameters(), Adam.defaults().with("lr", 0.01));
        var cosine = new HyperparameterScheduler(adam, "lr", new CosineAnnealing(200, 1e-4));
        for (int step = 0; step < 100; step++) {
            model.forwardBackward();
            adam.step();
            cosine.step();
        }

        Path file = dir.resolve("run").resolve("optimizer.safetensors");
        Files.createDirectories(file.getParent());                       // save does not create directories
        Checkpoints.save(adam, file, cosine);                            // the weights are yours to save

        Adam resumed = new Adam(model.parameters(), Adam.defaults());    // same groups, same parameter names
        var cosine2 = new HyperparameterScheduler(resumed, "lr", new CosineAnnealing(200, 1e-4));
        Checkpoints.load(resumed, file, cosine2);                        // attach schedulers first, then load
        for (int step = 100; step < 200; step++) {                       // continues exactly where adam stopped
            model.forwardBackward();
            resumed.step();
            cosine2.step();
        }
        return model;
    }
}
