package vecopt.examples;

import java.util.List;
import vecopt.engine.Adam;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/** Fits y = 3x - 2 with Adam: the optimizer updates the model's own arrays in place. */
public final class TrainTinyModel {

    public static void main(String[] args) {
        float[] x = {-2, -1, 0, 1, 2, 3};
        float[] y = {-8, -5, -2, 1, 4, 7};
        float[] weights = {0, 0};                   // w and b: arrays the model owns
        float[] grads = new float[2];               // where the backward pass writes
        Parameter line = new Parameter("line", FloatTensor.of(weights), FloatTensor.of(grads));
        Adam adam = new Adam(List.of(line), Adam.defaults().with("lr", 0.1));

        for (int step = 0; step < 300; step++) {
            grads[0] = 0;
            grads[1] = 0;
            for (int i = 0; i < x.length; i++) {    // mean squared error, forward and backward
                float error = weights[0] * x[i] + weights[1] - y[i];
                grads[0] += 2 * error * x[i] / x.length;
                grads[1] += 2 * error / x.length;
            }
            adam.step();                            // one fused pass over weights, grads and state
        }
        System.out.printf("w = %.3f, b = %.3f%n", weights[0], weights[1]);   // w = 3.000, b = -2.000
    }
}
