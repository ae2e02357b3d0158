package vecopt.engine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFlagsTest {

    @TempDir
    Path dir;

    @Test
    void readsTheFirstProcessorsFlags() throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, """
                processor\t: 0
                vendor_id\t: AuthenticAMD
                flags\t\t: fpu sse2 avx512f avx512vbmi
                bugs\t\t: sysret_ss_attrs

                processor\t: 1
                flags\t\t: fpu sse2
                """);
        assertEquals(Set.of("fpu", "sse2", "avx512f", "avx512vbmi"), CpuFlags.read(cpuinfo));
    }

    @Test
    void aMissingFileOrOneWithoutFlagsGivesNoFlag() throws IOException {
        assertEquals(Set.of(), CpuFlags.read(dir.resolve("absent")));
        Path noFlags = dir.resolve("cpuinfo");
        Files.writeString(noFlags, "processor\t: 0\nFeatures\t: fp asimd\n");
        assertEquals(Set.of(), CpuFlags.read(noFlags));
    }

    @Test
    void noCpuHasAFlagNobodyDefined() {
        assertFalse(CpuFlags.has("no-such-flag"));
    }
}
