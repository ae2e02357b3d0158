package vecopt.engine.checkpoint;

import java.util.Set;
import java.util.TreeSet;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.Rule;

/**
 * Checks a loaded parameter's state names against its rule's descriptor, so that a checkpoint cannot
 * hand a rule a buffer it does not know or leave out one it needs (a missing buffer would silently
 * restart at zero). Buffers that exist with every option are required once a parameter has stepped;
 * the others (momentum, AMSGrad, centered, ...) are optional, since a schedule may have turned their
 * option on or off since they were created.
 */
final class RuleState {

    private RuleState() {
    }

    /**
     * Checks the state names of parameter {@code live} of {@code rule} after {@code step} steps: only
     * buffers the rule keeps for a parameter of its shape are known (Adafactor keeps {@code row_var}
     * for matrices, {@code variance} for vectors).
     *
     * @throws CheckpointException naming the unknown or missing names
     */
    static void check(Rule rule, Parameter live, long step, Set<String> buffers, Set<String> scalars)
            throws CheckpointException {
        String parameter = live.name();
        int[] shape = live.shape();
        TreeSet<String> known = new TreeSet<>();
        TreeSet<String> required = new TreeSet<>();
        for (Rule.Buffer b : rule.buffers()) {
            if (b.shapeFor(shape) == null) {
                continue;
            }
            known.add(b.name());
            if (b.always()) {
                required.add(b.name());
            }
        }
        if (live.isMixed()) { // low-precision weights: the optimizer keeps their float32 master copy
            known.add(Optimizer.MASTER);
            required.add(Optimizer.MASTER);
        }
        TreeSet<String> knownScalars = new TreeSet<>();
        rule.scalars().forEach(s -> knownScalars.add(s.name()));
        for (String b : buffers) {
            if (!known.contains(b)) {
                throw new CheckpointException("parameter " + parameter + ": " + rule + " keeps no buffer " + b
                        + (rule.buffer(b) != null ? " for a parameter of shape " + java.util.Arrays.toString(shape) : "")
                        + (known.isEmpty() ? "" : "; it keeps " + String.join(", ", known)));
            }
        }
        for (String s : scalars) {
            if (!knownScalars.contains(s)) {
                throw new CheckpointException("parameter " + parameter + ": " + rule + " keeps no scalar " + s
                        + (knownScalars.isEmpty() ? "" : "; it keeps " + String.join(", ", knownScalars)));
            }
        }
        if (step == 0) {
            return; // state created by a step that did not complete may lack buffers
        }
        for (String b : required) {
            if (!buffers.contains(b)) {
                throw new CheckpointException("parameter " + parameter + ": buffer " + b + " is missing; "
                        + rule + " keeps it from the first step");
            }
        }
        for (String s : knownScalars) {
            if (!scalars.contains(s)) {
                throw new CheckpointException("parameter " + parameter + ": scalar " + s + " is missing; "
                        + rule + " keeps it from the first step");
            }
        }
    }
}
