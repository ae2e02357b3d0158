package vecopt.engine.kernels;

import static vecopt.engine.kernels.KernelParity.Content.GRAD;
import static vecopt.engine.kernels.KernelParity.Content.NON_NEGATIVE;
import static vecopt.engine.kernels.KernelParity.Content.PARAM;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@ParityOf("Adadelta")
class AdadeltaKernelParityTest {

    static Stream<Integer> sizes() {
        return KernelParity.sizes();
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void plainAdadeltaIsBitIdentical(int n) {
        AdadeltaCoefficients c = new AdadeltaCoefficients(-1f, 1f, 0f, 0.9f, (float) (1 - 0.9), 1e-6f);
        KernelParity.assertBitIdentical("adadelta", n, 3, (k, a, off, len, step) ->
                k.adadelta(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len, c),
                PARAM, GRAD, NON_NEGATIVE, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void maximizeWithWeightDecayIsBitIdentical(int n) {
        AdadeltaCoefficients c = new AdadeltaCoefficients(-0.5f, -1f, 1e-2f, 0.95f, (float) (1 - 0.95), 1e-5f);
        KernelParity.assertBitIdentical("adadelta maximize weight_decay", n, 4, (k, a, off, len, step) ->
                k.adadelta(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len, c),
                PARAM, GRAD, NON_NEGATIVE, NON_NEGATIVE);
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void extremeRhoIsBitIdentical(int n) {
        KernelParity.assertBitIdentical("adadelta rho 0 and 1", n, 4, (k, a, off, len, step) -> {
            float rho = step % 2 == 0 ? 1f : 0f;
            k.adadelta(a[0], off[0], a[1], off[1], a[2], off[2], a[3], off[3], len,
                    new AdadeltaCoefficients(-1f, 1f, 0f, rho, 1 - rho, 1e-6f));
        }, PARAM, GRAD, NON_NEGATIVE, NON_NEGATIVE);
    }
}
