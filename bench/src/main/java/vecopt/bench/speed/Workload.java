package vecopt.bench.speed;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import vecopt.engine.Rule;
import vecopt.engine.Rules;

/**
 * What the suite files a speed benchmark's results under: a rule with its options ({@link Measures})
 * or a reference that bounds rules ({@link Reference}), with the memory traffic its GB/s and its
 * bandwidth reference come from. Workloads sort as reports list them: rules in registry order (within
 * a rule, less traffic first), then references.
 *
 * @param label   the name in reports, e.g. {@code SGD momentum (Nesterov)}
 * @param rule    the rule's {@code torch.optim} name; empty for a reference
 * @param traffic floats read and written per element
 * @param arrays  the arrays read and written, {@code reads → writes}
 */
public record Workload(String label, String rule, Rule.Traffic traffic, String arrays) implements Comparable<Workload> {

    private static final Comparator<Workload> REPORT_ORDER = Comparator
            .comparing(Workload::reference)
            .thenComparingInt(Workload::registryPosition)
            .thenComparingInt(Workload::bytesPerElement)
            .thenComparing(Workload::label)
            .thenComparing(Workload::arrays);

    public Workload {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(traffic, "traffic");
        Objects.requireNonNull(arrays, "arrays");
    }

    /**
     * The workload of a speed benchmark class, from its {@link Measures} or {@link Reference}; reads
     * the annotations only, the class is not initialized.
     *
     * @throws IllegalStateException naming the class if it has neither annotation
     */
    public static Workload of(Class<?> benchmark) {
        Reference reference = benchmark.getAnnotation(Reference.class);
        if (reference != null) {
            return new Workload(reference.label(), "", new Rule.Traffic(reference.reads().length, reference.writes().length),
                    String.join(", ", reference.reads()) + " → " + String.join(", ", reference.writes()));
        }
        if (benchmark.getAnnotation(Measures.class) == null) {
            throw new IllegalStateException(benchmark.getName()
                    + " is a speed benchmark without @Measures(rule = ...) or @Reference(...)");
        }
        return MeasuredRule.of(benchmark).workload();
    }

    /** True for the references that bound rules rather than being one. */
    public boolean reference() {
        return rule.isEmpty();
    }

    /** Bytes moved per element: every read and every write of a float. */
    public int bytesPerElement() {
        return traffic.bytesPerElement();
    }

    /** True when both move as many arrays, so one bandwidth reference serves both. */
    public boolean sameTrafficAs(Workload other) {
        return traffic.equals(other.traffic);
    }

    @Override
    public int compareTo(Workload other) {
        return REPORT_ORDER.compare(this, other);
    }

    /** The rule's position in {@link Rules#all()}; references come after every rule anyway. */
    private int registryPosition() {
        if (reference()) {
            return 0;
        }
        List<Rule> rules = Rules.all();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).torchName().equals(rule)) {
                return i;
            }
        }
        return rules.size();
    }
}
