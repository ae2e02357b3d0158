package vecopt.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import vecopt.engine.FlatParameters;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * The model of the examples: a 2-16-1 perceptron with tanh that learns {@code y = x0 * x1} on 64
 * fixed points, by mean squared error. Its forward and backward passes read the parameters from
 * tensors and write the gradients into tensors, which the optimizer shares; the model never copies.
 */
public final class TinyMlp {

    /** The parameter tensors, in the order {@link #parameters()} lists them. */
    public static final List<String> NAMES = List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias");
    private static final int HIDDEN = 16;
    private static final int POINTS = 64;

    private final FloatTensor w1, b1, w2, b2;
    private final FloatTensor gw1, gb1, gw2, gb2;
    private final List<Parameter> parameters;
    private final float[][] inputs = new float[POINTS][2];
    private final float[] targets = new float[POINTS];

    private TinyMlp(Map<String, FloatTensor> values, Map<String, FloatTensor> grads, long seed) {
        w1 = values.get("fc1.weight");
        b1 = values.get("fc1.bias");
        w2 = values.get("fc2.weight");
        b2 = values.get("fc2.bias");
        gw1 = grads.get("fc1.weight");
        gb1 = grads.get("fc1.bias");
        gw2 = grads.get("fc2.weight");
        gb2 = grads.get("fc2.bias");
        List<Parameter> list = new ArrayList<>();
        for (String name : NAMES) {
            list.add(new Parameter(name, values.get(name), grads.get(name)));
        }
        parameters = List.copyOf(list);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < w1.size(); i++) {
            w1.setFlat(i, (float) (random.nextGaussian() * Math.sqrt(1.0 / 2)));
        }
        for (int i = 0; i < w2.size(); i++) {
            w2.setFlat(i, (float) (random.nextGaussian() * Math.sqrt(1.0 / HIDDEN)));
        }
        b1.fill(0);
        b2.fill(0);
        SplittableRandom data = new SplittableRandom(42);
        for (int n = 0; n < POINTS; n++) {
            inputs[n][0] = (float) data.nextDouble(-1, 1);
            inputs[n][1] = (float) data.nextDouble(-1, 1);
            targets[n] = inputs[n][0] * inputs[n][1];
        }
    }

    /** A model with its own arrays, one per tensor; {@code seed} draws the initial weights. */
    public static TinyMlp create(long seed) {
        int[][] shapes = {{HIDDEN, 2}, {HIDDEN}, {1, HIDDEN}, {1}};
        Map<String, FloatTensor> values = new LinkedHashMap<>();
        Map<String, FloatTensor> grads = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            values.put(NAMES.get(i), FloatTensor.zeros(shapes[i]));
            grads.put(NAMES.get(i), FloatTensor.zeros(shapes[i]));
        }
        return new TinyMlp(values, grads, seed);
    }

    /** A model whose tensors are views into the flat layouts, each name found in one of them. */
    public static TinyMlp over(long seed, FlatParameters... layouts) {
        Map<String, FloatTensor> values = new LinkedHashMap<>();
        Map<String, FloatTensor> grads = new LinkedHashMap<>();
        for (FlatParameters layout : layouts) {
            for (String name : layout.names()) {
                values.put(name, layout.value(name));
                grads.put(name, layout.grad(name));
            }
        }
        if (!values.keySet().containsAll(NAMES)) {
            throw new IllegalArgumentException("layouts must hold " + NAMES + ", got " + values.keySet());
        }
        return new TinyMlp(values, grads, seed);
    }

    /** One parameter per tensor, over the model's own tensors. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The mean squared error on the 64 points; overwrites every gradient with its derivative. */
    public double forwardBackward() {
        return forwardBackward(0, 1);
    }

    /**
     * The mean squared error on micro-batch {@code batch} of {@code batches} equal slices of the 64
     * points; overwrites every gradient with its derivative.
     */
    public double forwardBackward(int batch, int batches) {
        if (batches < 1 || POINTS % batches != 0 || batch < 0 || batch >= batches) {
            throw new IllegalArgumentException("need 0 <= batch < batches dividing " + POINTS + ", got batch "
                    + batch + " of " + batches);
        }
        int size = POINTS / batches;
        gw1.fill(0);
        gb1.fill(0);
        gw2.fill(0);
        gb2.fill(0);
        float[] hidden = new float[HIDDEN];
        double loss = 0;
        for (int n = batch * size; n < (batch + 1) * size; n++) {
            float x0 = inputs[n][0], x1 = inputs[n][1];
            float out = b2.getFlat(0);
            for (int j = 0; j < HIDDEN; j++) {
                hidden[j] = (float) Math.tanh(w1.getFlat(2 * j) * x0 + w1.getFlat(2 * j + 1) * x1 + b1.getFlat(j));
                out += w2.getFlat(j) * hidden[j];
            }
            float error = out - targets[n];
            loss += error * error / size;
            float dOut = 2 * error / size;
            gb2.setFlat(0, gb2.getFlat(0) + dOut);
            for (int j = 0; j < HIDDEN; j++) {
                float dHidden = dOut * w2.getFlat(j) * (1 - hidden[j] * hidden[j]);
                gw2.setFlat(j, gw2.getFlat(j) + dOut * hidden[j]);
                gb1.setFlat(j, gb1.getFlat(j) + dHidden);
                gw1.setFlat(2 * j, gw1.getFlat(2 * j) + dHidden * x0);
                gw1.setFlat(2 * j + 1, gw1.getFlat(2 * j + 1) + dHidden * x1);
            }
        }
        return loss;
    }
}
