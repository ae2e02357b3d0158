package vecopt.engine.checkpoint;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The state names each built-in rule keeps, so that a loaded checkpoint cannot hand a rule a buffer
 * it does not know or leave out one it needs (a missing buffer would silently restart at zero).
 * Rules not listed here (subclasses written by users) accept any names.
 *
 * @param required buffers every parameter that has stepped has
 * @param optional buffers that exist only with some options (momentum, AMSGrad, centered, ...)
 * @param scalars scalar state every parameter that has stepped has
 */
record RuleState(Set<String> required, Set<String> optional, Set<String> scalars) {

    private static final Map<String, RuleState> BUILT_IN = Map.of(
            "SGD", new RuleState(Set.of(), Set.of("momentum_buffer"), Set.of()),
            "Adagrad", new RuleState(Set.of("sum"), Set.of(), Set.of()),
            "RMSprop", new RuleState(Set.of("square_avg"), Set.of("momentum_buffer", "grad_avg"), Set.of()),
            "Adadelta", new RuleState(Set.of("square_avg", "acc_delta"), Set.of(), Set.of()),
            "Adam", new RuleState(Set.of("exp_avg", "exp_avg_sq"), Set.of("max_exp_avg_sq"), Set.of()),
            "AdamW", new RuleState(Set.of("exp_avg", "exp_avg_sq"), Set.of("max_exp_avg_sq"), Set.of()),
            "Adamax", new RuleState(Set.of("exp_avg", "exp_inf"), Set.of(), Set.of()),
            "NAdam", new RuleState(Set.of("exp_avg", "exp_avg_sq"), Set.of(), Set.of("mu_product")),
            "RAdam", new RuleState(Set.of("exp_avg", "exp_avg_sq"), Set.of(), Set.of()));

    /**
     * Checks the state names of one parameter of rule {@code torchName} after {@code step} steps.
     *
     * @throws CheckpointException naming the unknown or missing names
     */
    static void check(String torchName, String parameter, long step, Set<String> buffers, Set<String> scalars)
            throws CheckpointException {
        RuleState rule = BUILT_IN.get(torchName);
        if (rule == null) {
            return;
        }
        for (String b : buffers) {
            if (!rule.required.contains(b) && !rule.optional.contains(b)) {
                throw new CheckpointException("parameter " + parameter + ": " + torchName + " keeps no buffer " + b
                        + "; it keeps " + names(rule.required, rule.optional));
            }
        }
        for (String s : scalars) {
            if (!rule.scalars.contains(s)) {
                throw new CheckpointException("parameter " + parameter + ": " + torchName + " keeps no scalar " + s
                        + (rule.scalars.isEmpty() ? "" : "; it keeps " + names(rule.scalars, Set.of())));
            }
        }
        if (step == 0) {
            return; // state created by a step that did not complete may lack buffers
        }
        for (String b : new TreeSet<>(rule.required)) {
            if (!buffers.contains(b)) {
                throw new CheckpointException("parameter " + parameter + ": buffer " + b + " is missing; "
                        + torchName + " keeps it from the first step");
            }
        }
        for (String s : new TreeSet<>(rule.scalars)) {
            if (!scalars.contains(s)) {
                throw new CheckpointException("parameter " + parameter + ": scalar " + s + " is missing; "
                        + torchName + " keeps it from the first step");
            }
        }
    }

    private static String names(Set<String> a, Set<String> b) {
        TreeSet<String> all = new TreeSet<>(a);
        all.addAll(b);
        return String.join(", ", all);
    }
}
