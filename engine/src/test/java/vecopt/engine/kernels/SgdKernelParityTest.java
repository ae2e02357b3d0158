package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;
import static vecopt.engine.kernels.KernelParity.Content.SIGNED;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ParityOf("SGD")
class SgdKernelParityTest {

    static java.util.stream.Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void plainSgdIsBitIdentical(int n) {
        SgdCoefficients c = new SgdCoefficients(-0.05f, 1f, 1e-2f, 0f, 1f, 1f, 0f);
        KernelParity.assertBitIdentical("sgd", n, 3,
                (k, a, off, len, step) -> k.sgd(a[0], off[0], a[1], off[1], len, c), PARAM, GRAD);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void momentumWithDampeningMaximizeAndWeightDecayIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("sgd momentum", n, 4, (k, a, off, len, step) -> {
            SgdCoefficients c = new SgdCoefficients(-0.01f, -1f, 5e-4f,
                    step == 1 ? 0f : 0.9f, step == 1 ? 1f : 0.7f, 1f, 0f);
            k.sgdMomentum(a[0], off[0], a[1], off[1], a[2], off[2], len, c);
        }, PARAM, GRAD, SIGNED);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void nesterovIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("sgd nesterov", n, 4, (k, a, off, len, step) -> {
            SgdCoefficients c = new SgdCoefficients(-0.1f, 1f, 0f, step == 1 ? 0f : 0.95f, 1f, 0.95f, 1f);
            k.sgdMomentum(a[0], off[0], a[1], off[1], a[2], off[2], len, c);
        }, PARAM, GRAD, SIGNED);
    }
}
