package vecopt.tensor;

import java.util.Arrays;

/**
 * The 256 values an 8-bit code stands for, ascending, with the rule that encodes a float as the code
 * of its nearest value. Codes are indices into {@link #values()}.
 *
 * <p>The dynamic maps are Dettmers et al.'s dynamic tree quantization ("8-bit Optimizers via
 * Block-wise Quantization", ICLR 2022, section 2.2), read as bit fields: after the sign bit (signed
 * map only), the number {@code E} of leading zero bits gives the magnitude {@code 10^-E}; the first one
 * bit is an indicator; the {@code F} bits after it index {@code 2^F} equal intervals of
 * {@code [0.1, 1]}, whose midpoints are the fractions. With 7 bits after the sign, {@code E} runs from
 * 0 to 6 with {@code F = 6 - E} (127 magnitudes per sign); the unsigned map uses the sign bit as one
 * more fraction bit ({@code F = 7 - E}, 254 magnitudes). The two codes left are 0 and 1: 1 makes the
 * element of largest magnitude in a block exact, as in the reference implementation (bitsandbytes).
 *
 * <p>Encoding compares with the 255 midpoints between neighbouring values (each rounded to float once)
 * by a branch-free binary search of 8 steps; values above a midpoint take the upper code, ties the
 * lower. NaN compares false everywhere and gets code 0.
 */
public final class QuantizationMap {

    private static final QuantizationMap SIGNED = new QuantizationMap(dynamicValues(true));
    private static final QuantizationMap UNSIGNED = new QuantizationMap(dynamicValues(false));

    private final float[] values;
    private final float[] thresholds;

    private QuantizationMap(float[] values) {
        this.values = values;
        this.thresholds = new float[255];
        for (int i = 0; i < 255; i++) {
            thresholds[i] = (float) (((double) values[i] + values[i + 1]) / 2);
        }
    }

    /** {@return the signed dynamic map, for values of either sign (Adam's first moment): from -0.993 to 1} */
    public static QuantizationMap dynamicSigned() {
        return SIGNED;
    }

    /** {@return the unsigned dynamic map, for non-negative values (Adam's second moment): from 0 to 1} */
    public static QuantizationMap dynamicUnsigned() {
        return UNSIGNED;
    }

    /** {@return the 256 values, ascending, in a new array: {@code values()[code]} decodes {@code code}} */
    public float[] values() {
        return values.clone();
    }

    /** {@return the 255 midpoints between neighbouring values, ascending, in a new array} */
    public float[] thresholds() {
        return thresholds.clone();
    }

    /**
     * The value of {@code code}.
     *
     * @param code the code, 0 to 255
     * @return the value it stands for
     */
    public float value(int code) {
        return values[code];
    }

    /**
     * The code of the value nearest to {@code x}: the number of midpoints below {@code x}.
     *
     * @param x the value, normally in the map's range
     * @return its code, 0 to 255
     */
    public int encode(float x) {
        int code = 0;
        for (int step = 128; step > 0; step >>= 1) {
            code += x > thresholds[code + step - 1] ? step : 0;
        }
        return code;
    }

    private static float[] dynamicValues(boolean signed) {
        double[] v = new double[256];
        int n = 0;
        int extraFractionBits = signed ? 0 : 1;
        for (int e = 0; e <= 6; e++) {
            int fractions = 1 << (6 - e + extraFractionBits);
            for (int k = 0; k < fractions; k++) {
                double magnitude = Math.pow(10, -e) * (0.1 + 0.9 * (k + 0.5) / fractions);
                v[n++] = magnitude;
                if (signed) {
                    v[n++] = -magnitude;
                }
            }
        }
        v[n++] = 0;
        v[n++] = 1;
        if (n != 256) {
            throw new AssertionError("dynamic map has " + n + " values");
        }
        Arrays.sort(v);
        float[] f = new float[256];
        for (int i = 0; i < 256; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
