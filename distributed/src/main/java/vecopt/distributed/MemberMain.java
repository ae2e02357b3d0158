package vecopt.distributed;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one Hazelcast member of a vecopt cluster in this process, until standard input closes or the
 * time limit passes:
 * <pre>
 * java -cp ... vecopt.distributed.MemberMain --cluster NAME --bind 10.0.0.5 --port 5701 \
 *     --members 10.0.0.5:5701,10.0.0.6:5701,10.0.0.7:5701 [--backups 1] [--seconds 3600]
 * </pre>
 * Prints {@code member started NAME ADDRESS} when it has joined. Defaults: {@code 127.0.0.1}, port
 * 5701, this member alone, one backup, one hour.
 */
public final class MemberMain {

    private MemberMain() {
    }

    public static void main(String[] args) throws Exception {
        String cluster = "vecopt";
        String bind = "127.0.0.1";
        int port = 5701;
        List<String> members = null;
        int backups = 1;
        long seconds = 3600;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--cluster" -> cluster = value;
                case "--bind" -> bind = value;
                case "--port" -> port = Integer.parseInt(value);
                case "--members" -> members = Arrays.asList(value.split(","));
                case "--backups" -> backups = Integer.parseInt(value);
                case "--seconds" -> seconds = Long.parseLong(value);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
            i++;
        }
        if (members == null) {
            members = List.of(bind + ":" + port);
        }
        ClusterSettings settings = new ClusterSettings(cluster, bind, port, members, backups);
        HazelcastInstance member = Hazelcast.newHazelcastInstance(settings.memberConfig());
        System.out.println("member started " + cluster + " " + bind + ":" + port);
        System.out.flush();
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the parent keeps standard input open while it wants this member
                }
            } catch (java.io.IOException e) {
                // closed
            }
            member.getLifecycleService().terminate();
        });
        watchdog.setDaemon(true);
        watchdog.start();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (member.getLifecycleService().isRunning() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        if (member.getLifecycleService().isRunning()) {
            member.getLifecycleService().terminate();
        }
        System.exit(0);
    }
}
