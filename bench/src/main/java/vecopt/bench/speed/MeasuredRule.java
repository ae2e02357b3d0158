package vecopt.bench.speed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import vecopt.engine.Hyperparameters;
import vecopt.engine.Rule;
import vecopt.engine.Rules;

/**
 * The rule and options a speed benchmark class names with {@link Measures}, resolved through the
 * registry: what its coefficients are computed from and what the suite files its results under.
 *
 * @param rule            the registered rule
 * @param hyperparameters the rule's defaults with the annotation's kwargs applied
 * @param label           the name in reports
 * @param arrays          the arrays in reports, {@code "reads → writes"}; empty for the rule's own
 */
public record MeasuredRule(Rule rule, Hyperparameters hyperparameters, String label, String arrays) {

    /**
     * What {@code benchmark}'s {@link Measures} names. Reads the annotation only: the class is not initialized.
     *
     * @throws IllegalStateException naming the class if it has no {@code @Measures}, names an unregistered
     *                               rule or an option the rule does not accept
     */
    public static MeasuredRule of(Class<?> benchmark) {
        Measures measures = benchmark.getAnnotation(Measures.class);
        if (measures == null) {
            throw new IllegalStateException(benchmark.getName() + " has no @Measures annotation");
        }
        try {
            Rule rule = Rules.get(measures.rule());
            String label = measures.label().isEmpty() ? rule.torchName() : measures.label();
            return new MeasuredRule(rule, options(rule, measures.kwargs()), label, measures.arrays());
        } catch (RuntimeException e) {
            throw new IllegalStateException(benchmark.getName() + ": @Measures(rule = \"" + measures.rule()
                    + "\", kwargs = " + List.of(measures.kwargs()) + "): " + e.getMessage(), e);
        }
    }

    /** Floats read and written per element by one step, as the rule states for these options. */
    public Rule.Traffic traffic() {
        return rule.traffic(hyperparameters);
    }

    /**
     * What the suite files this rule's results under: its label, its traffic and the arrays it moves,
     * {@code p, g} and its element-wise buffers read, {@code p} and those buffers written, and what a
     * rule of several passes reads again or writes to scratch arrays (or the annotation's
     * {@link Measures#arrays()}).
     */
    public Workload workload() {
        if (!arrays.isEmpty()) {
            return new Workload(label, rule.torchName(), traffic(), arrays);
        }
        List<String> buffers = rule.buffers(hyperparameters).stream()
                .filter(Rule.Buffer::elementWise).map(Rule.Buffer::name).toList();
        String reads = String.join(", ", Stream.concat(Stream.of("p", "g"), buffers.stream()).toList());
        String writes = String.join(", ", Stream.concat(Stream.of("p"), buffers.stream()).toList());
        Rule.Traffic traffic = traffic();
        int moreReads = traffic.reads() - 2 - buffers.size();
        int moreWrites = traffic.writes() - 1 - buffers.size();
        reads += moreReads > 0 ? " (+" + moreReads + " re-read" + (moreReads > 1 ? "s" : "") + ")" : "";
        writes += moreWrites > 0 ? " (+" + moreWrites + " scratch)" : "";
        return new Workload(label, rule.torchName(), traffic, reads + " → " + writes);
    }

    /** The rule's defaults with every {@code name=value} of {@code kwargs} applied at once. */
    private static Hyperparameters options(Rule rule, String[] kwargs) {
        Map<String, Double> changes = new LinkedHashMap<>();
        for (String kwarg : kwargs) {
            int eq = kwarg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("a kwarg is name=value, got '" + kwarg + "'");
            }
            String name = kwarg.substring(0, eq).trim();
            String value = kwarg.substring(eq + 1).trim();
            if (!rule.defaults().has(name)) {
                throw new IllegalArgumentException(rule.torchName() + " has no hyperparameter " + name + "; it has "
                        + rule.defaults().definitions());
            }
            changes.put(name, isFlag(rule.defaults(), name) ? flag(name, value) : number(name, value));
        }
        return rule.defaults().withValues(changes);
    }

    private static boolean isFlag(Hyperparameters h, String name) {
        return h.definitions().stream().anyMatch(d -> d.name().equals(name) && d.isFlag());
    }

    private static double flag(String name, String value) {
        return switch (value) {
            case "true" -> 1;
            case "false" -> 0;
            default -> throw new IllegalArgumentException(name + " is a flag (true or false), got '" + value + "'");
        };
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
        }
    }
}
