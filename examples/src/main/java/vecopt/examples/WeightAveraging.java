package vecopt.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import vecopt.engine.AdamW;
import vecopt.engine.AveragedModel;
import vecopt.engine.Averaging;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Sgd;
import vecopt.engine.checkpoint.Checkpoints;
import vecopt.engine.schedule.SWALR;

/**
 * Stochastic weight averaging of SGD with momentum (the average of the weights at the end of the last
 * epochs, with PyTorch's SWA learning rate), and an exponential moving average of AdamW's weights.
 */
public final class WeightAveraging {

    static final int STEPS_PER_EPOCH = 10;

    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("vecopt-example");
        TinyMlp model = TinyMlp.create(13);
        AveragedModel swa = swa(model, 30, 20);
        double last = evaluate(model);
        swa.swapParameters();
        System.out.printf("SWA of %d models: loss %.5f (last weights %.5f)%n", swa.nAveraged(), evaluate(model), last);
        swa.swapParameters();
        AveragedModel ema = ema(TinyMlp.create(13), 100, dir.resolve("ema.safetensors"));
        System.out.printf("EMA of %d steps saved in %s%n", ema.nAveraged(), dir.resolve("ema.safetensors"));
    }

    /**
     * Trains {@code model} with SGD for {@code epochs} epochs and averages the weights at the end of
     * each epoch after {@code swaStart}; returns the average, not swapped in.
     */
    static AveragedModel swa(TinyMlp model, int epochs, int swaStart) {
        List<Parameter> params = model.parameters();
        Optimizer sgd = new Sgd(params, Sgd.defaults().with("lr", 0.05).with("momentum", 0.9));
        AveragedModel swa = AveragedModel.of(sgd, Averaging.equal());
        SWALR swaLr = new SWALR(sgd, 0.025);                      // anneal_epochs 10, cos
        for (int epoch = 0; epoch < epochs; epoch++) {
            trainOneEpoch(model, sgd);
            if (epoch > swaStart) { swa.updateParameters(); swaLr.step(); }
        }
        swa.swapParameters();                                     // evaluate the average ...
        double averageLoss = evaluate(model);
        swa.swapParameters();                                     // ... and train on
        return swa;
    }

    /**
     * Trains {@code model} with AdamW for {@code steps} steps, keeping an EMA of its weights with timm's
     * warm-up, and saves both to {@code file}; returns the average.
     */
    static AveragedModel ema(TinyMlp model, int steps, Path file) throws IOException {
        List<Parameter> params = model.parameters();
        AveragedModel ema = AveragedModel.of(new AdamW(params, AdamW.defaults()), Averaging.emaWithWarmup(0.9999));
        for (int step = 0; step < steps; step++) {
            model.forwardBackward();
            ema.step();                                           // AdamW's step, then the EMA update
        }
        Checkpoints.save(ema.inner(), file, ema);                 // averages as __schedulers__/0/<name>
        return ema;
    }

    /** {@value #STEPS_PER_EPOCH} full-batch steps of {@code optimizer} on {@code model}. */
    static void trainOneEpoch(TinyMlp model, Optimizer optimizer) {
        for (int step = 0; step < STEPS_PER_EPOCH; step++) {
            model.forwardBackward();
            optimizer.step();
        }
    }

    /** The model's loss where its parameters are now. */
    static double evaluate(TinyMlp model) {
        return model.forwardBackward();
    }
}
