package vecopt.engine.kernels;

import vecopt.tensor.QuantizationMap;

/** Floats around a quantization map's midpoints, where an encoder is most likely to be off by one code. */
final class Midpoints {

    private Midpoints() {
    }

    /**
     * Every midpoint of {@code map} and the {@code ulps} floats on each side of it (each midpoint
     * counted twice, once per side); with {@code negated}, the same around each midpoint's negation.
     */
    static float[] around(QuantizationMap map, int ulps, boolean negated) {
        float[] thresholds = map.thresholds();
        int signs = negated ? 2 : 1;
        float[] out = new float[thresholds.length * signs * 2 * (ulps + 1)];
        int n = 0;
        for (float t : thresholds) {
            for (int sign = 0; sign < signs; sign++) {
                float up = sign == 0 ? t : -t;
                float down = up;
                for (int k = 0; k <= ulps; k++) {
                    out[n++] = up;
                    out[n++] = down;
                    up = Math.nextUp(up);
                    down = Math.nextDown(down);
                }
            }
        }
        return out;
    }
}
