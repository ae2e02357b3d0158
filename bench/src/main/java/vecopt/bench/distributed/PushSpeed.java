package vecopt.bench.distributed;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import vecopt.distributed.ClusterSettings;
import vecopt.distributed.LocalCluster;
import vecopt.distributed.ParameterServer;
import vecopt.distributed.ServerRule;
import vecopt.engine.Optimizer;
import vecopt.engine.Optimizers;
import vecopt.engine.Parameter;
import vecopt.tensor.FloatTensor;

/**
 * Push throughput through the entry processor: an Adam push per block, blocks of 64Ki to 4Mi floats,
 * one block per member, 1 to 4 members, against the same Adam kernel stepping locally. In one JVM the
 * pushing member owns some blocks itself; with {@code --processes} every member is its own JVM and the
 * pushing JVM is a lite member, so every push crosses a loopback socket. Then where the time of one push
 * goes, for 1Mi floats: the rule's kernel, the transfer alone (a push that only adds), the backup.
 */
final class PushSpeed {

    static final int[] SIZES = {64 << 10, 256 << 10, 1 << 20, 4 << 20};
    static final int[] MEMBERS = {1, 2, 3, 4};
    /** Each measurement runs about this long, and at least 3 rounds. */
    static final double SECONDS = 1.0;

    private PushSpeed() {
    }

    static void run(PrintStream out, Path dir, boolean processes) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("Pushes of an Adam gradient through the entry processor (one block per member, all blocks pushed "
                + "at once, one backup), ").append(processes ? "members in separate JVMs, the pusher a lite member"
                : "members in one JVM, the pusher one of them").append(", on 127.0.0.1.\n\n");
        md.append("| block (floats) | local Adam step (blocks/s) | local GB/s of gradient |");
        for (int m : MEMBERS) {
            md.append(" ").append(m).append(" member").append(m > 1 ? "s" : "").append(" pushes/s (MB/s) |");
        }
        md.append("\n|---|---|---|").append("---|".repeat(MEMBERS.length)).append("\n");
        double[][] pushRate = new double[SIZES.length][MEMBERS.length];
        for (int mi = 0; mi < MEMBERS.length; mi++) {
            int m = MEMBERS[mi];
            try (Cluster c = Cluster.start(m, processes, 1)) {
                for (int si = 0; si < SIZES.length; si++) {
                    pushRate[si][mi] = measure(c.pusher, SIZES[si], m, ServerRule.Vecopt.of("Adam", Map.of()));
                    out.printf(Locale.ROOT, "  %d member(s), block %7d floats: %8.1f pushes/s%n", m, SIZES[si],
                            pushRate[si][mi]);
                }
            }
        }
        for (int si = 0; si < SIZES.length; si++) {
            double local = localAdam(SIZES[si]);
            md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f |", size(SIZES[si]), local,
                    local * 4.0 * SIZES[si] / 1e9));
            for (int mi = 0; mi < MEMBERS.length; mi++) {
                md.append(String.format(Locale.ROOT, " %.1f (%.0f) |", pushRate[si][mi],
                        pushRate[si][mi] * 4.0 * SIZES[si] / 1e6));
            }
            md.append("\n");
        }
        // where the time of one push goes, 1Mi floats, 2 members
        int n = 1 << 20;
        double adamBackup, adamNoBackup, addNoBackup;
        try (Cluster c = Cluster.start(2, processes, 1)) {
            adamBackup = measure(c.pusher, n, 2, ServerRule.Vecopt.of("Adam", Map.of()));
        }
        try (Cluster c = Cluster.start(2, processes, 0)) {
            adamNoBackup = measure(c.pusher, n, 2, ServerRule.Vecopt.of("Adam", Map.of()));
            addNoBackup = measure(c.pusher, n, 2, new ServerRule.ElasticCentre());
        }
        double kernel = 1e3 / localAdam(n);
        md.append(String.format(Locale.ROOT, "%nWhere a push of 1Mi floats (4 MiB of gradient) goes, 2 members, "
                        + "milliseconds per push (pushes to the 2 blocks overlap, so these are per-push shares of wall "
                        + "time):%n%n| part | ms |%n|---|---|%n| Adam kernel, local (fused pass over p, g, m, v) | %.2f |%n"
                        + "| push that only adds (transfer, serialization, partition thread; no backup) | %.2f |%n"
                        + "| Adam push, no backup | %.2f |%n| Adam push, one backup (the owner ships the block and "
                        + "its 2 state buffers: 12 MiB) | %.2f |%n",
                kernel, 1e3 / addNoBackup, 1e3 / adamNoBackup, 1e3 / adamBackup));
        Path file = dir.resolve(processes ? "push-speed-processes.md" : "push-speed.md");
        Files.writeString(file, md.toString());
        out.print(md);
        out.println("wrote " + file);
    }

    private static String size(int n) {
        return n >= 1 << 20 ? (n >> 20) + "Mi" : (n >> 10) + "Ki";
    }

    /** Pushes per second: rounds of one push to each of {@code blocks} blocks of {@code n} floats. */
    static double measure(HazelcastInstance pusher, int n, int blocks, ServerRule rule) {
        float[] initial = random(n * blocks, 1);
        ParameterServer server = ParameterServer.create(pusher, "speed", initial, n, rule);
        float[] g = random(n * blocks, 2);
        for (int i = 0; i < g.length; i++) {
            g[i] *= 1e-3f;
        }
        for (int warm = 0; warm < 3; warm++) {
            server.pushAll(0, warm, g, null);
        }
        long start = System.nanoTime();
        int rounds = 0;
        while (rounds < 3 || (System.nanoTime() - start) / 1e9 < SECONDS) {
            server.pushAll(0, 3 + rounds, g, null);
            rounds++;
            if (rounds >= 10_000) {
                break;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        server.destroy();
        return rounds * (double) blocks / seconds;
    }

    /** Adam steps per second over one block of {@code n} floats, on this thread. */
    static double localAdam(int n) {
        float[] w = random(n, 1);
        float[] g = random(n, 2);
        Optimizer adam = Optimizers.fromTorch("Adam", List.of(new Parameter("w", FloatTensor.of(w),
                FloatTensor.of(g))), Map.of());
        for (int i = 0; i < 20; i++) {
            adam.step();
        }
        long start = System.nanoTime();
        int steps = 0;
        while (steps < 5 || (System.nanoTime() - start) / 1e9 < 0.5) {
            adam.step();
            steps++;
        }
        return steps / ((System.nanoTime() - start) / 1e9);
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /** Members in this JVM, or in their own JVMs with this one a lite member. */
    private static final class Cluster implements AutoCloseable {
        final HazelcastInstance pusher;
        final LocalCluster local;
        final List<Process> processes = new ArrayList<>();
        final HazelcastInstance lite;

        private Cluster(HazelcastInstance pusher, LocalCluster local, HazelcastInstance lite) {
            this.pusher = pusher;
            this.local = local;
            this.lite = lite;
        }

        static Cluster start(int members, boolean separate, int backups) throws Exception {
            if (!separate) {
                int base = LocalCluster.freePorts(members);
                LocalCluster c = LocalCluster.start(ClusterSettings.loopback("vecopt-speed", base, members)
                        .withBackupCount(backups));
                return new Cluster(c.member(0), c, null);
            }
            int base = LocalCluster.freePorts(members + 1);
            ClusterSettings settings = ClusterSettings.loopback("vecopt-speed", base, members + 1)
                    .withBackupCount(backups);
            List<Process> started = new ArrayList<>();
            try {
                for (int i = 1; i <= members; i++) {
                    started.add(startProcess(settings, base + i));
                }
                HazelcastInstance lite = Hazelcast.newHazelcastInstance(settings.withPort(base).liteMemberConfig());
                Cluster c = new Cluster(lite, null, lite);
                c.processes.addAll(started);
                return c;
            } catch (Exception | Error e) {
                started.forEach(Process::destroyForcibly);
                throw e;
            }
        }

        static Process startProcess(ClusterSettings settings, int port) throws IOException, InterruptedException {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector",
                    "--sun-misc-unsafe-memory-access=allow", "-Xmx2g", "-Dhazelcast.logging.type=none",
                    "-cp", System.getProperty("java.class.path"), "vecopt.distributed.MemberMain",
                    "--cluster", settings.clusterName(), "--port", Integer.toString(port),
                    "--members", String.join(",", settings.members()),
                    "--backups", Integer.toString(settings.backupCount()), "--seconds", "900")
                    .redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("member started")) {
                    Thread drain = new Thread(() -> {
                        try {
                            while (r.readLine() != null) {
                                // keep the pipe from filling
                            }
                        } catch (IOException e) {
                            // the process ended
                        }
                    });
                    drain.setDaemon(true);
                    drain.start();
                    return p;
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            p.destroyForcibly();
            throw new IOException("member process on port " + port + " did not start");
        }

        @Override
        public void close() throws InterruptedException {
            if (local != null) {
                local.close();
            }
            if (lite != null) {
                lite.getLifecycleService().terminate();
            }
            for (Process p : processes) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
