package vecopt.examples;

import vecopt.engine.Adam;
import vecopt.engine.GradientClipping;
import vecopt.engine.GradientNoise;
import vecopt.engine.NonFinitePolicy;

/** Norm clipping, gradient noise and a NaN gradient skipped instead of poisoning the weights. */
public final class GradientSafety {

    public static void main(String[] args) {
        train(100);
    }

    /** Trains the {@link TinyMlp} for {@code steps} steps, with a NaN gradient at step 50. */
    static Adam train(int steps) {
        TinyMlp model = TinyMlp.create(11);
        Adam adam = new Adam(model.parameters(), Adam.defaults().with("lr", 0.01));
        adam.setGradientClipping(GradientClipping.byNorm(1.0));      // or byValue(0.5), or none() (the default)
        adam.setGradientNoise(GradientNoise.of(0.01, 1234));         // variance 0.01 / (1 + t)^0.55; none() by default
        adam.setNonFinitePolicy(NonFinitePolicy.SKIP);               // ERROR (default), SKIP or PROPAGATE
        for (int step = 0; step < steps; step++) {
            model.forwardBackward();
            if (step == 50) {
                model.parameters().get(0).grad().setFlat(3, Float.NaN);   // a bad batch
            }
            adam.step();                                             // step 50 changes nothing
        }
        double norm = adam.lastGradientNorm();                       // what clip_grad_norm_ returns
        long skipped = adam.skippedSteps();                          // 1
        System.out.printf("gradient norm before clipping %.4f, %d step skipped%n", norm, skipped);
        return adam;
    }
}
