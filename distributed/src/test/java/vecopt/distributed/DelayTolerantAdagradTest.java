package vecopt.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/** {@link ServerRule.DelayTolerantAdagrad} against McMahan and Streeter's AdaRevision (NIPS 2014). */
class DelayTolerantAdagradTest {

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start("vecopt-adarevision-test", 2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    /**
     * AdaRevision as the paper writes it, in float64, per coordinate: Read hands the worker the
     * gradient sum z; Update(g, z_read) revises the backlog g_bck = z - z_read to the new rate. Only
     * coordinates with a gradient are updated; an empty backlog revises nothing (before a coordinate's
     * first gradient its rate lr / sqrt(0) is infinite). {@code revise = false} drops the revision term,
     * to show that the run below depends on it.
     */
    private static final class AdaRevision {
        final double lr;
        final boolean revise;
        final double[] x, z, zPrime, zPrimeMax;
        final double[][] zRead;

        AdaRevision(float[] initial, double lr, int workers, boolean revise) {
            this.lr = lr;
            this.revise = revise;
            int n = initial.length;
            x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = initial[i];
            }
            z = new double[n];
            zPrime = new double[n];
            zPrimeMax = new double[n];
            zRead = new double[workers][];
        }

        void read(int worker) {
            zRead[worker] = z.clone();
        }

        void update(int worker, float[] gradient) {
            for (int i = 0; i < x.length; i++) {
                double g = gradient[i];
                if (g == 0) {
                    continue;
                }
                double gBck = z[i] - zRead[worker][i];
                double etaOld = lr / Math.sqrt(zPrimeMax[i]);
                z[i] += g;
                zPrime[i] += g * g + 2 * g * gBck;
                zPrimeMax[i] = Math.max(zPrimeMax[i], zPrime[i]);
                double eta = lr / Math.sqrt(zPrimeMax[i]);
                x[i] += -eta * g + (revise && gBck != 0 ? (etaOld - eta) * gBck : 0);
            }
        }
    }

    /** A gradient with about 30% zeros, as a sparse problem's. */
    private static float[] sparseGradient(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            g[i] = r.nextDouble() < 0.3 ? 0f : (float) r.nextGaussian();
        }
        return g;
    }

    @Test
    void pushesWithKnownStalenessMatchAFloat64ReferenceOfThePapersReadAndUpdate() {
        int n = 300, workers = 3;
        double lr = 0.5;
        float[] initial = ParameterServerTest.random(n, 21);
        // eps = 0: the paper's rate lr / sqrt(z'_max)
        ParameterServer server = ParameterServer.create(cluster.member(0), "adarevision", initial, 128,
                new ServerRule.DelayTolerantAdagrad(lr, 0));
        AdaRevision paper = new AdaRevision(initial, lr, workers, true);
        AdaRevision unrevised = new AdaRevision(initial, lr, workers, false);
        // worker 0 reads first and pushes after three others; worker 2 pushes twice from one read
        String script = "r0 r1 p1 r2 p1 p2 r1 p0 p1 p2";
        ParameterServer.Snapshot[] reads = new ParameterServer.Snapshot[workers];
        long[] sequence = new long[workers];
        List<Long> staleness = new ArrayList<>();
        int pushes = 0;
        for (String op : script.split(" ")) {
            int w = op.charAt(1) - '0';
            if (op.charAt(0) == 'r') {
                reads[w] = server.pull();
                paper.read(w);
                unrevised.read(w);
                continue;
            }
            float[] g = sparseGradient(n, 100 + pushes++);
            PushReceipt[] receipts = server.pushAll(w, sequence[w]++, g, reads[w].gradientSums());
            long stale = 0;
            for (int b = 0; b < receipts.length; b++) {
                stale = Math.max(stale, receipts[b].versionBefore() - reads[w].versions()[b]);
            }
            staleness.add(stale);
            paper.update(w, g);
            unrevised.update(w, g);
        }
        assertEquals(List.of(0L, 1L, 1L, 3L, 1L, 4L), staleness);

        float[] x = server.pull().values();
        double revision = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(paper.x[i], x[i], 1e-5 * Math.max(1, Math.abs(paper.x[i])), "x at " + i);
            revision = Math.max(revision, Math.abs(paper.x[i] - unrevised.x[i]));
        }
        assertTrue(revision > 0.05, "the revision term moves x by " + revision);
        for (int b = 0; b < server.blockCount(); b++) {
            Block block = server.block(b);
            for (int k = 0; k < block.length(); k++) {
                int i = block.offset() + k;
                assertEquals(paper.z[i], block.buffers().get("z")[k], 1e-5 * Math.max(1, Math.abs(paper.z[i])),
                        "z at " + i);
                assertEquals(paper.zPrime[i], block.buffers().get("G")[k],
                        1e-5 * Math.max(1, Math.abs(paper.zPrime[i])), "z' at " + i);
                assertEquals(paper.zPrimeMax[i], block.buffers().get("G_max")[k],
                        1e-5 * Math.max(1, paper.zPrimeMax[i]), "z'_max at " + i);
            }
        }
    }

    @Test
    void aCoordinateWithoutGradientStaysPutAndNothingBecomesNaNWithEpsZero() {
        Block block = new Block(0, 0, new float[] {1f, 2f, 3f}, new ServerRule.DelayTolerantAdagrad(0.1, 0));
        float[] read = new float[3];
        block.rule().apply(block, new float[] {0.5f, 0f, 0f}, read);
        block.rule().apply(block, new float[] {-0.25f, 0f, 2f}, read); // backlog 0.5 on coordinate 0 only
        float[] x = block.values();
        assertEquals(2f, x[1]);
        assertEquals(3f - 0.1f, x[2], 1e-7f); // first gradient: lr / sqrt(g^2) times g
        assertTrue(Float.isFinite(x[0]), "x[0] = " + x[0]);
        assertEquals(0f, block.buffers().get("z")[1]);
        assertEquals(0f, block.buffers().get("G_max")[1]);
    }

    @Test
    void withoutBacklogItIsTorchAdagrad() {
        int n = 333;
        float[] initial = ParameterServerTest.random(n, 11);
        Block block = new Block(0, 0, initial.clone(), new ServerRule.DelayTolerantAdagrad(0.1, 1e-10));
        float[] w = initial.clone();
        float[] grad = new float[n];
        Optimizer adagrad = Optimizers.fromTorch("Adagrad", List.of(new Parameter("w", FloatTensor.of(w),
                FloatTensor.of(grad))), Map.of("lr", 0.1));
        for (int step = 0; step < 6; step++) {
            float[] g = ParameterServerTest.random(n, 50 + step);
            System.arraycopy(g, 0, grad, 0, n);
            adagrad.step();
            float[] sum = block.buffers().get("z");
            block.rule().apply(block, g, sum == null ? new float[n] : sum.clone()); // read just now: no backlog
        }
        for (int i = 0; i < n; i++) {
            assertEquals(w[i], block.values()[i], 1e-6f * Math.max(1, Math.abs(w[i])), "at " + i);
        }
    }
}
