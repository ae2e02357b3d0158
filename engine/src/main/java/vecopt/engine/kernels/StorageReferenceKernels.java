package vecopt.engine.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reference kernels of the storage benchmarks, here because only this package may use the Vector API:
 * an Adam-shaped update written once over {@code float[]} and once over segments (what storage costs),
 * and one-pass streams that move the bytes of Adam with float32, bfloat16 and 8-bit moments (the
 * bandwidth bound of each state format). 256-bit float vectors; 16-bit state moves as 128-bit short
 * vectors and 8-bit state as 64-bit byte vectors of the same lane count. Sizes are multiples of 8 for
 * the streams; the Adam-shaped updates finish with scalar tails. Needs {@code jdk.incubator.vector}.
 */
public final class StorageReferenceKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> H = ShortVector.SPECIES_128;
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final float B1 = 0.9f;
    private static final float B2 = 0.999f;
    private static final float LR = 1e-3f;
    private static final float EPS = 1e-8f;
    private static final float TINY = 1e-9f;

    private StorageReferenceKernels() {
    }

    /** The Adam-shaped update (read p, g, m, v; write p, m, v; one sqrt and one division) over arrays. */
    public static void adamShaped(float[] p, float[] g, float[] m, float[] v) {
        int n = p.length;
        FloatVector b1 = FloatVector.broadcast(S, B1);
        FloatVector c1 = FloatVector.broadcast(S, 1 - B1);
        FloatVector b2 = FloatVector.broadcast(S, B2);
        FloatVector c2 = FloatVector.broadcast(S, 1 - B2);
        FloatVector lr = FloatVector.broadcast(S, -LR);
        FloatVector eps = FloatVector.broadcast(S, EPS);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector mv = gv.fma(c1, FloatVector.fromArray(S, m, i).mul(b1));
            FloatVector vv = gv.mul(c2).fma(gv, FloatVector.fromArray(S, v, i).mul(b2));
            FloatVector pv = lr.mul(mv).div(vv.sqrt().add(eps)).add(FloatVector.fromArray(S, p, i));
            mv.intoArray(m, i);
            vv.intoArray(v, i);
            pv.intoArray(p, i);
        }
        for (; i < n; i++) {
            float mi = Math.fma(g[i], 1 - B1, m[i] * B1);
            float vi = Math.fma(g[i] * (1 - B2), g[i], v[i] * B2);
            m[i] = mi;
            v[i] = vi;
            p[i] = -LR * mi / ((float) Math.sqrt(vi) + EPS) + p[i];
        }
    }

    /** {@link #adamShaped(float[], float[], float[], float[])} over little-endian float32 segments. */
    public static void adamShaped(MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v) {
        long n = p.byteSize() / Float.BYTES;
        FloatVector b1 = FloatVector.broadcast(S, B1);
        FloatVector c1 = FloatVector.broadcast(S, 1 - B1);
        FloatVector b2 = FloatVector.broadcast(S, B2);
        FloatVector c2 = FloatVector.broadcast(S, 1 - B2);
        FloatVector lr = FloatVector.broadcast(S, -LR);
        FloatVector eps = FloatVector.broadcast(S, EPS);
        long i = 0;
        long bound = n - n % S.length();
        for (; i < bound; i += S.length()) {
            long at = i * Float.BYTES;
            FloatVector gv = FloatVector.fromMemorySegment(S, g, at, LE);
            FloatVector mv = gv.fma(c1, FloatVector.fromMemorySegment(S, m, at, LE).mul(b1));
            FloatVector vv = gv.mul(c2).fma(gv, FloatVector.fromMemorySegment(S, v, at, LE).mul(b2));
            FloatVector pv = lr.mul(mv).div(vv.sqrt().add(eps)).add(FloatVector.fromMemorySegment(S, p, at, LE));
            mv.intoMemorySegment(m, at, LE);
            vv.intoMemorySegment(v, at, LE);
            pv.intoMemorySegment(p, at, LE);
        }
        for (; i < n; i++) {
            float gi = g.getAtIndex(F, i);
            float mi = Math.fma(gi, 1 - B1, m.getAtIndex(F, i) * B1);
            float vi = Math.fma(gi * (1 - B2), gi, v.getAtIndex(F, i) * B2);
            m.setAtIndex(F, i, mi);
            v.setAtIndex(F, i, vi);
            p.setAtIndex(F, i, -LR * mi / ((float) Math.sqrt(vi) + EPS) + p.getAtIndex(F, i));
        }
    }

    /**
     * Adam's float32 traffic over elements {@code [from, from + n)}, 28 bytes per element: reads p, g,
     * m, v and writes p, m, v. With {@code v} null, one moment's (SGD's momentum, Lion's m): 20 bytes.
     */
    public static void streamFloat32(float[] p, float[] g, float[] m, float[] v, int from, int n) {
        FloatVector c = FloatVector.broadcast(S, TINY);
        int end = from + S.loopBound(n);
        if (v == null) {
            for (int i = from; i < end; i += S.length()) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                FloatVector.fromArray(S, m, i).add(gv).intoArray(m, i);
                c.fma(gv, FloatVector.fromArray(S, p, i)).intoArray(p, i);
            }
            return;
        }
        for (int i = from; i < end; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            FloatVector.fromArray(S, m, i).add(gv).intoArray(m, i);
            FloatVector.fromArray(S, v, i).add(gv).intoArray(v, i);
            c.fma(gv, FloatVector.fromArray(S, p, i)).intoArray(p, i);
        }
    }

    /** Adam's traffic with bfloat16 moments, 20 bytes per element; with {@code v} null one moment's, 16. */
    public static void streamBf16(float[] p, float[] g, short[] m, short[] v, int from, int n) {
        FloatVector c = FloatVector.broadcast(S, TINY);
        int end = from + S.loopBound(n);
        if (v == null) {
            for (int i = from; i < end; i += S.length()) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                ShortVector.fromArray(H, m, i).add((short) 1).intoArray(m, i);
                c.fma(gv, FloatVector.fromArray(S, p, i)).intoArray(p, i);
            }
            return;
        }
        for (int i = from; i < end; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            ShortVector.fromArray(H, m, i).add((short) 1).intoArray(m, i);
            ShortVector.fromArray(H, v, i).add((short) 1).intoArray(v, i);
            c.fma(gv, FloatVector.fromArray(S, p, i)).intoArray(p, i);
        }
    }

    /**
     * Mixed-precision Adam's traffic ({@link CompressedStateKernels#adamMixedBf16}), 30 bytes per
     * element: bfloat16 weights and gradients, float32 master and moments read (2 + 2 + 4 + 4 + 4) and
     * weights, master and moments written (2 + 4 + 4 + 4).
     */
    public static void streamMixed(short[] w, short[] g, float[] master, float[] m, float[] v, int from, int n) {
        FloatVector c = FloatVector.broadcast(S, TINY);
        int end = from + S.loopBound(n);
        for (int i = from; i < end; i += S.length()) {
            ShortVector gv = ShortVector.fromArray(H, g, i);
            FloatVector.fromArray(S, master, i).add(c).intoArray(master, i);
            FloatVector.fromArray(S, m, i).add(c).intoArray(m, i);
            FloatVector.fromArray(S, v, i).add(c).intoArray(v, i);
            ShortVector.fromArray(H, w, i).add(gv).intoArray(w, i);
        }
    }

    /**
     * Adam's traffic with 8-bit moments, 16 bytes per element plus a float per moment per {@code block};
     * with {@code v} null one moment's, 14 plus a float per block. {@code from} is a multiple of {@code block}.
     */
    public static void streamInt8(float[] p, float[] g, byte[] m, byte[] v, float[] mScale, float[] vScale, int block,
                                  int from, int n) {
        FloatVector c = FloatVector.broadcast(S, TINY);
        int end = from + S.loopBound(n);
        if (v == null) {
            for (int i = from; i < end; i += S.length()) {
                FloatVector gv = FloatVector.fromArray(S, g, i);
                ByteVector.fromArray(B, m, i).add((byte) 1).intoArray(m, i);
                c.fma(gv, FloatVector.fromArray(S, p, i)).intoArray(p, i);
                if (i % block == 0) {
                    mScale[i / block] += 1f;
                }
            }
            return;
        }
        for (int i = from; i < end; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            ByteVector.fromArray(B, m, i).add((byte) 1).intoArray(m, i);
            ByteVector.fromArray(B, v, i).add((byte) 1).intoArray(v, i);
            c.fma(gv, FloatVector.fromArray(S, p, i)).intoArray(p, i);
            if (i % block == 0) {
                mScale[i / block] += 1f;
                vScale[i / block] += 1f;
            }
        }
    }
}
