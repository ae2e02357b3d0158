package vecopt.engine.kernels;

import java.util.Map;

/**
 * The vector width each built-in rule's Panama kernels run at by default on a CPU whose vectors are
 * 512 bits wide: the width at which the rule's benchmark was fastest. Elsewhere, and whenever
 * {@code -Dvecopt.vectorBitSize} is given, every rule runs the provider's one width. A rule not listed
 * (a rule of one's own) runs the provider's default width. Results do not depend on the width: the
 * kernels at every width give the scalar kernels' bits.
 *
 * <p>Measured on a 2-core AMD EPYC family 26 (Zen 5, AVX-512) KVM guest, Temurin JDK 25.0.3, on a
 * shared machine: each rule's {@code vecopt.bench.speed.*Benchmark.panama} at 4Ki, 64Ki and 4Mi
 * elements with {@code -Dvecopt.vectorBitSize=256} and {@code 512}, and a quiet paired re-run of the
 * doubtful rules; tables, commands and load averages in {@code docs/benchmarks.md}, "Vector width per
 * rule". 512 bits where 512 was faster in cache (1.2x to 4x for most; Adadelta 1.9x and LARS 1.02x to
 * 1.08x in the quiet run); 256 where it was not: Adafactor (equal), LAMB (256 7% faster at 4Ki, equal
 * at 64Ki) and L-BFGS (512 slower in the loaded run, not re-run). Out of cache the widths were equal
 * in an earlier quiet run. Plain SGD runs the scalar loop at any width ({@code PanamaOptimizerKernels.sgd});
 * SGD's entry is its momentum kernel's.
 */
final class KernelWidths {

    /** Hardware vectors at least this wide select the widths of {@link #ON_512_BIT_CPUS}. */
    static final int TABLE_HARDWARE_BITS = 512;

    /** {@code torch.optim} class name to width in bits. */
    static final Map<String, Integer> ON_512_BIT_CPUS = Map.ofEntries(
            Map.entry("SGD", 512),
            Map.entry("Adagrad", 512),
            Map.entry("RMSprop", 512),
            Map.entry("Adadelta", 512),
            Map.entry("Adam", 512),
            Map.entry("AdamW", 512),
            Map.entry("Adamax", 512),
            Map.entry("NAdam", 512),
            Map.entry("RAdam", 512),
            Map.entry("Lion", 512),
            Map.entry("AdaBelief", 512),
            Map.entry("Yogi", 512),
            Map.entry("ADOPT", 512),
            Map.entry("AdEMAMix", 512),
            Map.entry("LAMB", 256),
            Map.entry("LARS", 512),
            Map.entry("SGDScheduleFree", 512),
            Map.entry("AdamWScheduleFree", 512),
            Map.entry("Adafactor", 256),
            Map.entry("Muon", 512),
            Map.entry("Rprop", 512),
            Map.entry("ASGD", 512),
            Map.entry("LBFGS", 256));

    private KernelWidths() {
    }

    /**
     * The width {@code torchName}'s kernels run at on hardware {@code hardwareBits} wide, with the
     * default width {@code defaultBits} for everything else.
     */
    static int forRule(String torchName, int hardwareBits, int defaultBits) {
        if (hardwareBits < TABLE_HARDWARE_BITS) {
            return defaultBits;
        }
        return Math.min(hardwareBits, ON_512_BIT_CPUS.getOrDefault(torchName, defaultBits));
    }
}
