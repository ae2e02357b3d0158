package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ParityOf("Adagrad")
class AdagradKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void plainAdagradIsBitIdentical(int n) {
        AdagradCoefficients c = new AdagradCoefficients(-1e-2f, 1f, 0f, 1e-10f);
        KernelParity.assertBitIdentical("adagrad", n, 3,
                (k, a, off, len, step) -> k.adagrad(a[0], off[0], a[1], off[1], a[2], off[2], len, c),
                PARAM, GRAD, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void decayingLrWithMaximizeAndWeightDecayIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adagrad lr_decay maximize weight_decay", n, 4, (k, a, off, len, step) -> {
            AdagradCoefficients c = new AdagradCoefficients((float) (-0.1 / (1 + (step - 1) * 0.05)), -1f, 1e-2f, 1e-6f);
            k.adagrad(a[0], off[0], a[1], off[1], a[2], off[2], len, c);
        }, PARAM, GRAD, NON_NEGATIVE);
    }
}
