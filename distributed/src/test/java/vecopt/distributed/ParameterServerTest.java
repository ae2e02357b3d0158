package vecopt.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
