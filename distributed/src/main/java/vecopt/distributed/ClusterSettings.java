package vecopt.distributed;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a member joins its cluster, with safe defaults: it binds to one interface ({@code 127.0.0.1}
 * unless told otherwise, never the wildcard address), multicast and auto-detection are off, the
 * cluster has an explicit name and the members are listed explicitly (TCP/IP join). Hazelcast's
 * community edition has no TLS and no authentication: run it on a private network only.
 *
 * @param clusterName the cluster's name; members with another name do not join
 * @param bindAddress the interface this member binds to and announces
 * @param port        this member's port (no auto-increment: a busy port fails start-up)
 * @param members     every member as {@code host:port}, this one included
 * @param backupCount synchronous backups of each block (1: a member can die without losing a block)
 */
public record ClusterSettings(String clusterName, String bindAddress, int port, List<String> members, int backupCount) {

    /** Prefix of the maps that hold parameter servers; their config is set here. */
    public static final String MAP_PREFIX = "vecopt.server.";

    public ClusterSettings {
        if (clusterName == null || clusterName.isBlank()) {
            throw new IllegalArgumentException("clusterName must not be blank, got " + clusterName);
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in [1, 65535], got " + port);
        }
        if (members == null || members.isEmpty()) {
            throw new IllegalArgumentException("members must list at least this member, got " + members);
        }
        members = List.copyOf(members);
        if (backupCount < 0 || backupCount > 6) {
            throw new IllegalArgumentException("backupCount must be in [0, 6], got " + backupCount);
        }
    }

    /**
     * {@code count} members on {@code 127.0.0.1}, ports {@code firstPort} to {@code firstPort + count - 1};
     * this one on {@code firstPort}. One backup per block.
     */
    public static ClusterSettings loopback(String clusterName, int firstPort, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        List<String> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add("127.0.0.1:" + (firstPort + i));
        }
        return new ClusterSettings(clusterName, "127.0.0.1", firstPort, members, 1);
    }

    /** The same cluster, this member on {@code port}. */
    public ClusterSettings withPort(int port) {
        return new ClusterSettings(clusterName, bindAddress, port, members, backupCount);
    }

    /** The same cluster with {@code backupCount} backups per block. */
    public ClusterSettings withBackupCount(int backupCount) {
        return new ClusterSettings(clusterName, bindAddress, port, members, backupCount);
    }

    /**
     * The configuration of a lite member: it joins the cluster and calls it like any member, but owns no
     * partition, so every block lives on the other members (a training driver, a benchmark client).
     */
    public Config liteMemberConfig() {
        return memberConfig().setLiteMember(true);
    }

    /** The Hazelcast configuration of this member. */
    public Config memberConfig() {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName(clusterName + "-" + port);
        // no outbound traffic besides the members, and nothing listening on other interfaces
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        // a member list that is all on this machine need not wait long for the others
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        config.getJetConfig().setEnabled(false);

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.setPublicAddress(bindAddress + ":" + port);
        network.getInterfaces().setEnabled(true).addInterface(bindAddress);
        network.getRestApiConfig().setEnabled(false);
        network.getMemcacheProtocolConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(members)).setConnectionTimeoutSeconds(1);

        // OBJECT: an entry processor works on the stored block itself, not on a deserialized copy
        MapConfig blocks = new MapConfig(MAP_PREFIX + "*")
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .setBackupCount(backupCount)
                .setAsyncBackupCount(0)
                .setStatisticsEnabled(false);
        config.addMapConfig(blocks);
        return config;
    }
}
