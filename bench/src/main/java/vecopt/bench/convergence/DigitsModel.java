package vecopt.bench.convergence;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import vecopt.engine.Parameter;

/**
 * A classifier of the digits written on EJML matrices: softmax regression (no hidden layer) or an
 * MLP with ReLU hidden layers, trained with the mean cross-entropy of the softmax. Its parameters
 * are vecopt tensors viewing the float arrays the EJML matrices wrap (see {@link Linear}).
 */
public final class DigitsModel {

    private final String name;
    private final List<Linear> layers = new ArrayList<>();
    /** Pre-activations z_k and activations a_k of each layer, reshaped per batch. */
    private final List<FMatrixRMaj> z = new ArrayList<>();
    private final List<FMatrixRMaj> a = new ArrayList<>();
    private final List<FMatrixRMaj> gradZ = new ArrayList<>();
    private final List<FMatrixRMaj> gradA = new ArrayList<>();

    private DigitsModel(String name, int[] sizes, long seed) {
        this.name = name;
        SplittableRandom random = new SplittableRandom(seed);
        for (int k = 0; k + 1 < sizes.length; k++) {
            layers.add(new Linear("fc" + (k + 1), sizes[k], sizes[k + 1], random));
            z.add(new FMatrixRMaj(1, sizes[k + 1]));
            a.add(new FMatrixRMaj(1, sizes[k + 1]));
            gradZ.add(new FMatrixRMaj(1, sizes[k + 1]));
            gradA.add(new FMatrixRMaj(1, sizes[k + 1]));
        }
    }

    /** Softmax regression: logits = x W + b, 64 x 10 weights. */
    public static DigitsModel softmaxRegression(long seed) {
        return new DigitsModel("softmax regression", new int[] {Digits.FEATURES, Digits.CLASSES}, seed);
    }

    /** An MLP 64 -> hidden (ReLU) -> 10. */
    public static DigitsModel mlp(int hidden, long seed) {
        return new DigitsModel("MLP 64-" + hidden + "-10", new int[] {Digits.FEATURES, hidden, Digits.CLASSES}, seed);
    }

    public String name() {
        return name;
    }

    /** Every weight and bias, each a vecopt parameter over the arrays the EJML matrices wrap. */
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Linear l : layers) {
            ps.add(l.weight);
            ps.add(l.bias);
        }
        return ps;
    }

    /** The EJML matrices the forward pass reads, in the order of {@link #parameters()}. */
    public List<FMatrixRMaj> matrices() {
        List<FMatrixRMaj> ms = new ArrayList<>();
        for (Linear l : layers) {
            ms.add(l.w);
            ms.add(l.b);
        }
        return ms;
    }

    /** The EJML matrices the backward pass writes, in the order of {@link #parameters()}. */
    public List<FMatrixRMaj> gradientMatrices() {
        List<FMatrixRMaj> ms = new ArrayList<>();
        for (Linear l : layers) {
            ms.add(l.gradW);
            ms.add(l.gradB);
        }
        return ms;
    }

    /** Number of trainable floats. */
    public int parameterCount() {
        return parameters().stream().mapToInt(Parameter::size).sum();
    }

    /**
     * Forward and backward pass over a batch: returns the mean cross-entropy over the batch and
     * writes its gradient into every parameter's gradient array.
     */
    public double lossAndGradient(FMatrixRMaj x, int[] labels) {
        forward(x);
        int last = layers.size() - 1;
        double loss = softmaxCrossEntropy(z.get(last), labels, gradZ.get(last));
        for (int k = last; k >= 0; k--) {
            FMatrixRMaj input = k == 0 ? x : a.get(k - 1);
            FMatrixRMaj gradInput = k == 0 ? null : gradA.get(k - 1);
            layers.get(k).backward(input, gradZ.get(k), gradInput);
            if (k > 0) {
                reluBackward(z.get(k - 1), gradA.get(k - 1), gradZ.get(k - 1));
            }
        }
        return loss;
    }

    /** Mean cross-entropy and accuracy over a data set, without touching the gradients. */
    public Evaluation evaluate(Digits.Dataset data) {
        forward(data.x());
        FMatrixRMaj logits = z.get(layers.size() - 1);
        int n = logits.numRows;
        int c = logits.numCols;
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int row = i * c;
            int best = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                if (logits.data[row + j] > max) {
                    max = logits.data[row + j];
                    best = j;
                }
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(logits.data[row + j] - max);
            }
            loss += Math.log(sum) - (logits.data[row + data.y()[i]] - max);
            if (best == data.y()[i]) {
                correct++;
            }
        }
        return new Evaluation(loss / n, (double) correct / n);
    }

    /** Mean cross-entropy and the fraction classified correctly. */
    public record Evaluation(double loss, double accuracy) {
    }

    private void forward(FMatrixRMaj x) {
        FMatrixRMaj input = x;
        for (int k = 0; k < layers.size(); k++) {
            FMatrixRMaj zk = z.get(k);
            layers.get(k).forward(input, zk);
            if (k < layers.size() - 1) {
                FMatrixRMaj ak = a.get(k);
                ak.reshape(zk.numRows, zk.numCols, false);
                for (int i = 0; i < zk.getNumElements(); i++) {
                    ak.data[i] = Math.max(0f, zk.data[i]);
                }
                input = ak;
            }
        }
    }

    /** dL/dz = dL/da where z > 0, else 0. */
    private static void reluBackward(FMatrixRMaj zk, FMatrixRMaj gradAk, FMatrixRMaj gradZk) {
        gradZk.reshape(zk.numRows, zk.numCols, false);
        for (int i = 0; i < zk.getNumElements(); i++) {
            gradZk.data[i] = zk.data[i] > 0 ? gradAk.data[i] : 0f;
        }
    }

    /**
     * Mean over rows of -log softmax(logits)[label]; writes its gradient (softmax - onehot) / n into
     * {@code grad}. Computed in double with the row maximum subtracted, so large logits do not overflow.
     */
    static double softmaxCrossEntropy(FMatrixRMaj logits, int[] labels, FMatrixRMaj grad) {
        int n = logits.numRows;
        int c = logits.numCols;
        grad.reshape(n, c, false);
        double loss = 0;
        for (int i = 0; i < n; i++) {
            int row = i * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, logits.data[row + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(logits.data[row + j] - max);
            }
            int label = labels[i];
            loss += Math.log(sum) - (logits.data[row + label] - max);
            for (int j = 0; j < c; j++) {
                double p = Math.exp(logits.data[row + j] - max) / sum;
                grad.data[row + j] = (float) ((p - (j == label ? 1 : 0)) / n);
            }
        }
        return loss / n;
    }
}
