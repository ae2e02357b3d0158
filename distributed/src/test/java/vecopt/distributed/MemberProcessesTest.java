package vecopt.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/** Members in separate JVM processes on loopback; this JVM joins as a lite member and trains through them. */
class MemberProcessesTest {

    static Process startMember(ClusterSettings settings, int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-Dhazelcast.logging.type=none", "--sun-misc-unsafe-memory-access=allow",
                "-XX:TieredStopAtLevel=1", "-Xmx512m", "vecopt.distributed.MemberMain",
                "--cluster", settings.clusterName(), "--port", Integer.toString(port),
                "--members", String.join(",", settings.members()), "--seconds", "120"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    if (l.startsWith("member started")) {
                        return l;
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                return null;
            }
        }).get(60, TimeUnit.SECONDS);
        assertTrue(line != null, "member on port " + port + " did not start");
        return p;
    }

    @Test
    void membersInSeparateProcessesServeBlocksAndSurviveTheDeathOfOne() throws Exception {
        int base = LocalCluster.freePorts(3);
        ClusterSettings settings = ClusterSettings.loopback("vecopt-processes-test", base, 3);
        List<Process> members = new ArrayList<>();
        HazelcastInstance driver = null;
        try {
            members.add(startMember(settings, base + 1));
            members.add(startMember(settings, base + 2));
            driver = Hazelcast.newHazelcastInstance(settings.withPort(base).liteMemberConfig());
            assertEquals(3, driver.getCluster().getMembers().size());

            int n = 64 * 20;
            float[] initial = ParameterServerTest.random(n, 13);
            ParameterServer server = ParameterServer.create(driver, "processes", initial, 64,
                    ServerRule.Vecopt.of("Adam", Map.of("lr", 0.01)));
            assertEquals(0, server.map().localKeySet().size()); // every block lives in the other processes
            float[] local = initial.clone();
            float[] grad = new float[n];
            Optimizer adam = Optimizers.fromTorch("Adam", List.of(new Parameter("w", FloatTensor.of(local),
                    FloatTensor.of(grad))), Map.of("lr", 0.01));
            for (int step = 0; step < 20; step++) {
                float[] g = ParameterServerTest.random(n, 700 + step);
                System.arraycopy(g, 0, grad, 0, n);
                adam.step();
                server.pushAll(0, step, g, null);
                if (step == 9) {
                    members.get(1).destroyForcibly(); // kill -9 of one member process mid-training
                    assertTrue(members.get(1).waitFor(30, TimeUnit.SECONDS));
                }
            }
            assertArrayEquals(local, server.pull().values());
            for (int b = 0; b < server.blockCount(); b++) {
                assertEquals(20, server.block(b).step(), "block " + b);
            }
        } finally {
            if (driver != null) {
                driver.getLifecycleService().terminate();
            }
            for (Process p : members) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
