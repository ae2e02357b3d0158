package vecopt.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

class MemberFailureTest {

    @Test
    void killingAMemberMidTrainingLosesNoBlockNoStateAndNoPushWithOneBackup() throws Exception {
        int n = 64 * 40, pushes = 40;
        float[] initial = ParameterServerTest.random(n, 12);
        try (LocalCluster cluster = LocalCluster.start("vecopt-failure-test", 3)) {
            ParameterServer server = ParameterServer.create(cluster.member(0), "failover", initial, 64,
                    ServerRule.Vecopt.of("Adam", Map.of("lr", 0.01)));
            // the 40 blocks spread over the three members; the one killed owns some of them
            int ownedByVictim = cluster.member(2).<Integer, Block>getMap(ClusterSettings.MAP_PREFIX + "failover")
                    .localKeySet().size();
            assertTrue(ownedByVictim > 0 && ownedByVictim < 40, "member 2 owns " + ownedByVictim + " of 40 blocks");

            float[] local = initial.clone();
            float[] grad = new float[n];
            Optimizer adam = Optimizers.fromTorch("Adam", List.of(new Parameter("w", FloatTensor.of(local),
                    FloatTensor.of(grad))), Map.of("lr", 0.01));
            CountDownLatch halfway = new CountDownLatch(1);
            Thread killer = new Thread(() -> {
                try {
                    halfway.await();
                } catch (InterruptedException e) {
                    return;
                }
                cluster.kill(2); // abruptly, while pushes are in flight
            });
            killer.start();
            for (int step = 0; step < pushes; step++) {
                float[] g = ParameterServerTest.random(n, 500 + step);
                System.arraycopy(g, 0, grad, 0, n);
                adam.step();
                server.pushAll(0, step, g, null);
                if (step == pushes / 2) {
                    halfway.countDown();
                }
            }
            killer.join(30_000);
            assertTrue(!cluster.member(2).getLifecycleService().isRunning());
            assertEquals(2, cluster.member(0).getCluster().getMembers().size());

            ParameterServer.Snapshot after = server.pull();
            assertArrayEquals(local, after.values()); // every push applied exactly once, state intact
            for (int b = 0; b < server.blockCount(); b++) {
                assertEquals(pushes, after.versions()[b], "block " + b);
                assertEquals(pushes, server.block(b).step(), "block " + b);
            }
            // training goes on after the failure, through the other member too
            ParameterServer again = ParameterServer.connect(cluster.member(1), "failover");
            float[] g = ParameterServerTest.random(n, 9999);
            System.arraycopy(g, 0, grad, 0, n);
            adam.step();
            again.pushAll(1, 0, g, null);
            assertArrayEquals(local, server.pull().values());
        }
    }
}
