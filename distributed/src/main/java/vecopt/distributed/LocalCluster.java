package vecopt.distributed;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Several Hazelcast members in this JVM, all on {@code 127.0.0.1}: the default single-machine run and
 * the tests. Each member is a full member with its own partitions and sockets, as on separate machines.
 */
public final class LocalCluster implements AutoCloseable {

    private final ClusterSettings settings;
    private final List<HazelcastInstance> members = new ArrayList<>();

    private LocalCluster(ClusterSettings settings) {
        this.settings = settings;
    }

    /** Starts {@code count} members of cluster {@code clusterName} on free loopback ports. */
    public static LocalCluster start(String clusterName, int count) {
        return start(ClusterSettings.loopback(clusterName, freePorts(count), count));
    }

    /** Starts every member {@code settings} lists, each on its own port. */
    public static LocalCluster start(ClusterSettings settings) {
        LocalCluster cluster = new LocalCluster(settings);
        try {
            for (String member : settings.members()) {
                int port = Integer.parseInt(member.substring(member.lastIndexOf(':') + 1));
                cluster.members.add(Hazelcast.newHazelcastInstance(settings.withPort(port).memberConfig()));
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    public ClusterSettings settings() {
        return settings;
    }

    /** The members started, in order; a killed one stays in the list, no longer running. */
    public List<HazelcastInstance> members() {
        return List.copyOf(members);
    }

    public HazelcastInstance member(int i) {
        return members.get(i);
    }

    /** Kills member {@code i} abruptly, as a crash would: no graceful migration of its partitions. */
    public void kill(int i) {
        members.get(i).getLifecycleService().terminate();
    }

    /** A running member. */
    public HazelcastInstance anyRunning() {
        for (HazelcastInstance m : members) {
            if (m.getLifecycleService().isRunning()) {
                return m;
            }
        }
        throw new IllegalStateException("no member of " + settings.clusterName() + " is running");
    }

    @Override
    public void close() {
        for (HazelcastInstance m : members) {
            if (m.getLifecycleService().isRunning()) {
                m.getLifecycleService().terminate();
            }
        }
    }

    /** The first of {@code count} consecutive ports that are free on 127.0.0.1 now. */
    public static int freePorts(int count) {
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20_000 + random.nextInt(30_000);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("found no " + count + " free consecutive ports on 127.0.0.1");
    }

    private static boolean allFree(int base, int count) {
        for (int p = base; p < base + count; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
