package vecopt.engine.kernels;

import java.lang.management.ManagementFactory;

/** Whether this JVM compiles hot code with C2, without which vector code runs slower than scalar loops. */
final class JitCheck {

    private JitCheck() {
    }

    /** True unless the JVM interprets only or stops tiered compilation below C2. */
    static boolean c2Enabled() {
        if (System.getProperty("java.vm.info", "").contains("interpreted mode")) {
            return false;
        }
        try {
            var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (hotspot == null) {
                return true;
            }
            boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
            int stopAt = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
            return !tiered || stopAt >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true; // not HotSpot, or no management module: assume an optimizing JIT
        }
    }
}
