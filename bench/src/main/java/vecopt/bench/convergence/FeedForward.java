package vecopt.bench.convergence;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ejml.data.FMatrixRMaj;
import vecopt.engine.Parameter;

/**
 * The Adam paper's classifiers on EJML matrices (the products by the engine's matmulAdd kernel):
 * multinomial logistic regression (no hidden layer) or an MLP whose hidden layers are Linear, then optionally {@link BatchNorm}, then ReLU, then
 * optionally dropout with {@link DropoutMasks}. The training cost of a batch is its mean
 * cross-entropy plus the L2 penalty (lambda / 2) sum ||W||^2 over the weight matrices (not the biases
 * nor the batch-norm scales). Weights start as {@code torch.nn.Linear}'s, from one seeded generator.
 */
public final class FeedForward {

    /**
     * @param hidden the hidden layers' widths; none for logistic regression
     * @param batchNorm whether each hidden layer normalises its pre-activations
     * @param dropout the probability of dropping a hidden activation in training; 0 for none
     * @param weightDecay lambda of the L2 penalty
     * @param initSeed the seed of the weights
     * @param dropoutSeed the seed of the dropout masks
     */
    public record Options(int[] hidden, boolean batchNorm, double dropout, double weightDecay, long initSeed,
                          long dropoutSeed) {

        public Options {
            hidden = hidden.clone();
            if (weightDecay < 0 || !Double.isFinite(weightDecay)) {
                throw new IllegalArgumentException("weightDecay must be finite and >= 0, got weightDecay=" + weightDecay);
            }
            new DropoutMasks(dropout, dropoutSeed);
        }

        public static Options logisticRegression(double weightDecay, long initSeed) {
            return new Options(new int[0], false, 0, weightDecay, initSeed, 0);
        }
    }

    /** Evaluation batches, so that evaluating 55,000 rows needs no 55,000 x 1,000 matrices. */
    static final int EVAL_CHUNK = 2_000;

    private final String name;
    private final Options options;
    private final List<Linear> linears = new ArrayList<>();
    private final List<BatchNorm> norms = new ArrayList<>();
    private final DropoutMasks dropout;
    /** Per hidden layer: its output after the linear map (and batch norm, in place), and its activation. */
    private final List<FMatrixRMaj> z = new ArrayList<>();
    private final List<FMatrixRMaj> a = new ArrayList<>();
    private final List<float[]> masks = new ArrayList<>();
    private final List<FMatrixRMaj> gradZ = new ArrayList<>();
    private final FMatrixRMaj logits = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj gradLogits = new FMatrixRMaj(1, 1);
    private final FMatrixRMaj chunk = new FMatrixRMaj(1, 1);
    private long trainingSteps;

    public FeedForward(int features, int classes, Options options) {
        this.options = options;
        int[] sizes = new int[options.hidden().length + 2];
        sizes[0] = features;
        System.arraycopy(options.hidden(), 0, sizes, 1, options.hidden().length);
        sizes[sizes.length - 1] = classes;
        SplittableRandom random = new SplittableRandom(options.initSeed());
        for (int k = 0; k + 1 < sizes.length; k++) {
            linears.add(new Linear("fc" + (k + 1), sizes[k], sizes[k + 1], random));
            if (k + 2 < sizes.length) {
                norms.add(options.batchNorm() ? new BatchNorm("bn" + (k + 1), sizes[k + 1]) : null);
                z.add(new FMatrixRMaj(1, sizes[k + 1]));
                a.add(new FMatrixRMaj(1, sizes[k + 1]));
                gradZ.add(new FMatrixRMaj(1, sizes[k + 1]));
                masks.add(new float[0]);
            }
        }
        dropout = options.dropout() > 0 ? new DropoutMasks(options.dropout(), options.dropoutSeed()) : null;
        StringBuilder n = new StringBuilder(sizes.length == 2 ? "logistic regression " : "MLP ");
        for (int k = 0; k < sizes.length; k++) {
            n.append(k == 0 ? "" : "-").append(sizes[k]);
        }
        if (options.batchNorm()) {
            n.append(", batch norm");
        }
        if (dropout != null) {
            n.append(", dropout ").append(TestFunctions.fmt(options.dropout()));
        }
        name = n.toString();
    }

    public String name() {
        return name;
    }

    public Options options() {
        return options;
    }

    /** Every trainable array: per layer its weight and bias, then (with batch norm) the scale and shift. */
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (int k = 0; k < linears.size(); k++) {
            ps.add(linears.get(k).weight);
            ps.add(linears.get(k).bias);
            if (k < norms.size() && norms.get(k) != null) {
                ps.add(norms.get(k).gammaParameter);
                ps.add(norms.get(k).betaParameter);
            }
        }
        return ps;
    }

    /** The training steps taken so far, which number the dropout masks. */
    public long trainingSteps() {
        return trainingSteps;
    }

    /** Sets the number of the next dropout mask, so that a test can repeat a training-mode pass exactly. */
    void setTrainingSteps(long steps) {
        trainingSteps = steps;
    }

    /**
     * Everything that evaluation reads, copied: the parameters in the order of {@link #parameters()},
     * then the batch-norm running means and variances.
     */
    public float[][] snapshot() {
        List<float[]> s = new ArrayList<>();
        for (Parameter p : parameters()) {
            s.add(p.value().array().clone());
        }
        for (BatchNorm bn : norms) {
            if (bn != null) {
                s.add(bn.runningMean.clone());
                s.add(bn.runningVar.clone());
            }
        }
        return s.toArray(float[][]::new);
    }

    /** Puts back what {@link #snapshot()} copied. */
    public void restore(float[][] snapshot) {
        List<float[]> targets = new ArrayList<>();
        for (Parameter p : parameters()) {
            targets.add(p.value().array());
        }
        for (BatchNorm bn : norms) {
            if (bn != null) {
                targets.add(bn.runningMean);
                targets.add(bn.runningVar);
            }
        }
        if (targets.size() != snapshot.length) {
            throw new IllegalArgumentException("snapshot has " + snapshot.length + " arrays, this model " + targets.size());
        }
        for (int i = 0; i < snapshot.length; i++) {
            System.arraycopy(snapshot[i], 0, targets.get(i), 0, targets.get(i).length);
        }
    }

    /**
     * One training-mode forward and backward pass over a batch (dropout mask number
     * {@link #trainingSteps()}, batch statistics): returns the batch's training cost and writes its
     * gradient into every parameter's gradient array.
     */
    public double lossAndGradient(FMatrixRMaj x, int[] labels) {
        forward(x, true);
        double loss = DigitsModel.softmaxCrossEntropy(logits, labels, gradLogits);
        FMatrixRMaj grad = gradLogits;
        for (int k = linears.size() - 1; k >= 0; k--) {
            FMatrixRMaj input = k == 0 ? x : a.get(k - 1);
            FMatrixRMaj gradInput = k == 0 ? null : gradZ.get(k - 1);
            linears.get(k).backward(input, grad, gradInput);
            if (k > 0) {
                hiddenBackward(k - 1);
                grad = gradZ.get(k - 1);
            }
        }
        trainingSteps++;
        return loss + penaltyAndGradient();
    }

    /** The L2 penalty; adds lambda W to each weight's gradient. */
    private double penaltyAndGradient() {
        double lambda = options.weightDecay();
        if (lambda == 0) {
            return 0;
        }
        double sum = 0;
        for (Linear l : linears) {
            float[] w = l.w.data;
            float[] g = l.gradW.data;
            for (int i = 0; i < w.length; i++) {
                sum += (double) w[i] * w[i];
                g[i] += (float) (lambda * w[i]);
            }
        }
        return lambda / 2 * sum;
    }

    /** Mean cross-entropy (no penalty) and accuracy over a data set, in evaluation mode. */
    public DigitsModel.Evaluation evaluate(Digits.Dataset data) {
        int n = data.size();
        double loss = 0;
        int correct = 0;
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        int[] labels = new int[Math.min(EVAL_CHUNK, n)];
        for (int from = 0; from < n; from += EVAL_CHUNK) {
            int to = Math.min(n, from + EVAL_CHUNK);
            data.gather(all, from, to, chunk, labels);
            forward(chunk, false);
            int c = logits.numCols;
            for (int i = 0; i < to - from; i++) {
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
                loss += Math.log(sum) - (logits.data[row + labels[i]] - max);
                correct += best == labels[i] ? 1 : 0;
            }
        }
        return new DigitsModel.Evaluation(loss / n, (double) correct / n);
    }

    private void forward(FMatrixRMaj x, boolean training) {
        FMatrixRMaj input = x;
        for (int k = 0; k < z.size(); k++) {
            FMatrixRMaj zk = z.get(k);
            linears.get(k).forward(input, zk);
            if (norms.get(k) != null) {
                norms.get(k).forward(zk, training);
            }
            FMatrixRMaj ak = a.get(k);
            ak.reshape(zk.numRows, zk.numCols, false);
            int size = zk.getNumElements();
            float[] zd = zk.data;
            float[] ad = ak.data;
            if (training && dropout != null) {
                float[] mask = masks.get(k);
                if (mask.length < size) {
                    mask = new float[size];
                    masks.set(k, mask);
                }
                dropout.fill(trainingSteps, k, mask, size);
                for (int i = 0; i < size; i++) {
                    ad[i] = zd[i] > 0 ? zd[i] * mask[i] : 0f;
                }
            } else {
                for (int i = 0; i < size; i++) {
                    ad[i] = Math.max(zd[i], 0f);
                }
            }
            input = ak;
        }
        linears.get(linears.size() - 1).forward(input, logits);
    }

    /** Turns dL/da of hidden layer k (in gradZ[k]) into dL/dz through dropout, ReLU and batch norm. */
    private void hiddenBackward(int k) {
        FMatrixRMaj g = gradZ.get(k);
        float[] gd = g.data;
        float[] zd = z.get(k).data;
        int size = g.getNumElements();
        float[] mask = dropout != null ? masks.get(k) : null;
        for (int i = 0; i < size; i++) {
            gd[i] = zd[i] > 0 ? (mask != null ? gd[i] * mask[i] : gd[i]) : 0f;
        }
        if (norms.get(k) != null) {
            norms.get(k).backward(g);
        }
    }
}
