package vecopt.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import vecopt.engine.AdamWScheduleFree;
import vecopt.engine.Parameter;
import vecopt.engine.checkpoint.Checkpoints;

/**
 * Schedule-free AdamW: no learning-rate schedule; after each epoch the model is evaluated at x, the
 * average ({@code eval()}), checkpointed, and put back on y, the training point ({@code train()}).
 */
public final class ScheduleFree {

    static final int STEPS_PER_EPOCH = 20;

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("vecopt-example");
        TinyMlp model = TinyMlp.create(11);
        AdamWScheduleFree opt = train(model, 10, dir.resolve("schedulefree.safetensors"));
        opt.eval();
        System.out.printf("loss at x after 10 epochs: %.5f%n", model.forwardBackward());
    }

    /**
     * Trains {@code model} for {@code epochs} epochs of {@value #STEPS_PER_EPOCH} steps, evaluating at x
     * after each and saving the optimizer to {@code file}; returns the optimizer, in train mode.
     */
    static AdamWScheduleFree train(TinyMlp model, int epochs, Path file) throws IOException {
        List<Parameter> params = model.parameters();
        AdamWScheduleFree opt = new AdamWScheduleFree(params, AdamWScheduleFree.defaults().with("warmup_steps", 20));
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int step = 0; step < STEPS_PER_EPOCH; step++) {
                model.forwardBackward();
                opt.step();                                 // one fused pass: y, z and exp_avg_sq
            }
            opt.eval();                                     // parameters := x, the average
            double loss = evaluate(model);
            Checkpoints.save(opt, file);                    // the mode is saved with the state
            opt.train();                                    // parameters := y, bit for bit
        }
        return opt;
    }

    /** The model's loss where its parameters are now. */
    static double evaluate(TinyMlp model) {
        return model.forwardBackward();
    }
}
