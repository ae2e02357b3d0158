package vecopt.engine;

import java.util.List;
import java.util.SplittableRandom;
import vecopt.tensor.FloatTensor;

/** The parameters the optimizer-wrapper tests (Lookahead, gradient accumulation, averaging) step. */
final class WrapperFixture {

    /** Elements of the first parameter. */
    static final int N = 37;

    private WrapperFixture() {
    }

    /** Two parameters, the second (value and gradient) a view at an offset, with seeded values. */
    static List<Parameter> parameters(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[N];
        float[] big = new float[5 + 19 + 3];
        float[] bigGrad = new float[2 + 19 + 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) random.nextGaussian();
        }
        return List.of(new Parameter("w", FloatTensor.of(a), FloatTensor.zeros(N)),
                new Parameter("b", FloatTensor.view(big, 5, 19), FloatTensor.view(bigGrad, 2, 19)));
    }

    /** Standard normal gradients for every parameter, drawn from {@code random} in order. */
    static void fillGradients(List<Parameter> params, SplittableRandom random) {
        for (Parameter p : params) {
            for (int i = 0; i < p.size(); i++) {
                p.grad().setFlat(i, (float) random.nextGaussian());
            }
        }
    }

    /** The values of every parameter, end to end in the order of {@code params}. */
    static float[] values(List<Parameter> params) {
        int n = 0;
        for (Parameter p : params) {
            n += p.size();
        }
        float[] all = new float[n];
        int at = 0;
        for (Parameter p : params) {
            System.arraycopy(p.value().toArray(), 0, all, at, p.size());
            at += p.size();
        }
        return all;
    }
}
