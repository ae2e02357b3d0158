package vecopt.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vecopt.engine.NonFiniteGradientException;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

class ParameterServerTest {

    private static LocalCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start("vecopt-ps-test", 2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @Test
    void adamOnTheServerMatchesAdamStepLocallyBitForBit() {
        int n = 1000;
        float[] initial = random(n, 1);
        ParameterServer server = ParameterServer.create(cluster.member(0), "adam", initial, 128,
                ServerRule.Vecopt.of("Adam", Map.of("lr", 0.01, "weight_decay", 0.1)));
        float[] local = initial.clone();
        float[] grad = new float[n];
        Optimizer adam = Optimizers.fromTorch("Adam", List.of(new Parameter("w", FloatTensor.of(local),
                FloatTensor.of(grad))), Map.of("lr", 0.01, "weight_decay", 0.1));
        for (int step = 0; step < 5; step++) {
            float[] g = random(n, 100 + step);
            System.arraycopy(g, 0, grad, 0, n);
            adam.step();
            server.pushAll(0, step, g, null);
        }
        ParameterServer.Snapshot s = server.pull();
        assertArrayEquals(local, s.values());
        for (long v : s.versions()) {
            assertEquals(5, v);
        }
        assertEquals(8, server.blockCount());
        assertEquals(5, server.block(7).step());
        assertEquals(1000 - 7 * 128, server.block(7).buffers().get("exp_avg").length);
    }

    @Test
    void refusesAGradientOfTheWrongLengthAndChangesNothing() {
        float[] initial = random(300, 2);
        ParameterServer server = ParameterServer.create(cluster.member(0), "wrong-length", initial, 128,
                ServerRule.Vecopt.of("SGD", Map.of("lr", 0.1)));
        IllegalArgumentException whole = assertThrows(IllegalArgumentException.class,
                () -> server.pushAll(0, 0, new float[299], null));
        assertEquals("parameter server wrong-length has 300 parameters, the gradient has 299; nothing was pushed",
                whole.getMessage());
        // the owner checks too: block 2 holds 44 floats
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> server.push(2, new float[128]));
        assertEquals("block 2 of parameter server wrong-length has 44 elements, the pushed gradient 128; "
                + "the push is refused", one.getMessage());
        assertArrayEquals(initial, server.pull().values());
        assertEquals(0, server.block(2).version());
    }

    @Test
    void refusesAPushForAnUnknownBlockAndCreatesNone() {
        float[] initial = random(256, 3);
        ParameterServer server = ParameterServer.create(cluster.member(1), "unknown-block", initial, 128,
                ServerRule.Vecopt.of("SGD", Map.of("lr", 0.1)));
        IllegalArgumentException client = assertThrows(IllegalArgumentException.class,
                () -> server.push(2, new float[128]));
        assertEquals("parameter server unknown-block has blocks 0 to 1, got block 2; nothing was pushed",
                client.getMessage());
        // sent anyway, straight to the map, the owner refuses it
        IllegalArgumentException owner = assertThrows(IllegalArgumentException.class, () -> ParameterServer.await(
                server.map().submitToKey(2, new PushGradient("unknown-block", 0, 0, new float[128], null))
                        .toCompletableFuture()));
        assertEquals("parameter server unknown-block has no block 2; the push is refused", owner.getMessage());
        assertEquals(2, server.map().size());
        assertArrayEquals(initial, server.pull().values());
    }

    @Test
    void refusesANonFiniteGradientAndChangesNothing() {
        float[] initial = random(200, 4);
        ParameterServer server = ParameterServer.create(cluster.member(0), "nan", initial, 100,
                ServerRule.Vecopt.of("Adam", Map.of()));
        server.pushAll(0, 0, random(200, 5), null);
        ParameterServer.Snapshot before = server.pull();
        float[] bad = random(200, 6);
        bad[150] = Float.NaN;
        IllegalArgumentException whole = assertThrows(IllegalArgumentException.class,
                () -> server.pushAll(0, 1, bad, null));
        assertEquals("the gradient pushed to parameter server nan is not finite at index 150: NaN; nothing was pushed",
                whole.getMessage());
        // one block at a time, the owner's rule refuses it before writing
        float[] badBlock = java.util.Arrays.copyOfRange(bad, 100, 200);
        assertThrows(NonFiniteGradientException.class, () -> server.push(1, badBlock));
        ParameterServer.Snapshot after = server.pull();
        assertArrayEquals(before.values(), after.values());
        assertArrayEquals(new long[] {1, 1}, after.versions());
        assertEquals(1, server.block(1).step());
    }

    @Test
    void aRetriedPushIsAppliedOnce() {
        float[] initial = random(128, 7);
        ParameterServer server = ParameterServer.create(cluster.member(0), "retried", initial, 128,
                ServerRule.Vecopt.of("SGD", Map.of("lr", 0.5)));
        float[] g = random(128, 8);
        assertTrue(server.pushAll(3, 41, g, null)[0].applied());
        float[] once = server.pull().values();
        PushReceipt again = server.pushAll(3, 41, g, null)[0];
        assertEquals(false, again.applied());
        assertArrayEquals(once, server.pull().values());
        assertTrue(server.pushAll(3, 42, g, null)[0].applied());
    }

    @Test
    void aCheckpointRestoresValuesStateAndVersionsSoTrainingContinuesBitForBit(@TempDir Path dir) throws Exception {
        int n = 500;
        ParameterServer server = ParameterServer.create(cluster.member(0), "checkpointed", random(n, 9), 128,
                ServerRule.Vecopt.of("NAdam", Map.of("lr", 0.01)));
        for (int step = 0; step < 3; step++) {
            server.pushAll(0, step, random(n, 200 + step), null);
        }
        Path file = dir.resolve("server.safetensors");
        server.save(file);
        assertTrue(Files.size(file) > 4L * n * 3);
        for (int step = 3; step < 5; step++) {
            server.pushAll(0, step, random(n, 200 + step), null);
        }
        float[] uninterrupted = server.pull().values();

        server.pushAll(0, 99, random(n, 999), null); // wander off, then come back
        server.restore(file);
        assertEquals(3, server.block(0).version());
        assertEquals(3, server.block(3).step());
        for (int step = 3; step < 5; step++) {
            server.pushAll(0, step, random(n, 200 + step), null);
        }
        assertArrayEquals(uninterrupted, server.pull().values());
    }

    @Test
    void synchronousRoundsStepOnceOnTheSumInWorkerOrderWhateverTheArrivalOrder() {
        int n = 700, workers = 3;
        float[] initial = random(n, 10);
        ParameterServer server = ParameterServer.create(cluster.member(0), "sync", initial, 256,
                ServerRule.Vecopt.of("Adam", Map.of("lr", 0.01)));
        float[] local = initial.clone();
        float[] grad = new float[n];
        Optimizer adam = Optimizers.fromTorch("Adam", List.of(new Parameter("w", FloatTensor.of(local),
                FloatTensor.of(grad))), Map.of("lr", 0.01));
        int[][] arrival = {{2, 0, 1}, {1, 2, 0}, {0, 1, 2}};
        for (int round = 0; round < 3; round++) {
            float[][] g = new float[workers][];
            for (int w = 0; w < workers; w++) {
                g[w] = random(n, 300 + 10 * round + w);
            }
            java.util.Arrays.fill(grad, 0f);
            for (int w = 0; w < workers; w++) {
                for (int i = 0; i < n; i++) {
                    grad[i] += g[w][i];
                }
            }
            adam.step();
            for (int k = 0; k < workers; k++) {
                int w = arrival[round][k];
                PushReceipt[] receipts = server.contributeAll(w, workers, round, g[w]);
                assertEquals(k == workers - 1, receipts[0].applied());
            }
        }
        assertArrayEquals(local, server.pull().values());
        assertEquals(3, server.block(2).syncRound());
        IllegalStateException stale = assertThrows(IllegalStateException.class,
                () -> server.contributeAll(0, workers, 5, new float[n]));
        assertTrue(stale.getMessage().contains("is in synchronous round 3, worker 0 sent round 5"), stale.getMessage());
    }
}
