package vecopt.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of update rules: the built-in ones and any a user registers. The one list of rules
 * in vecopt; everything else derives from it.
 */
public final class Rules {

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        for (Rule r : List.of(Sgd.RULE, Adagrad.RULE, RMSprop.RULE, Adadelta.RULE, Adam.RULE, AdamW.RULE,
                Adamax.RULE, NAdam.RULE, RAdam.RULE, Lion.RULE, AdaBelief.RULE, Yogi.RULE,
                ADOPT.RULE, AdEMAMix.RULE, LAMB.RULE, LARS.RULE, SGDScheduleFree.RULE, AdamWScheduleFree.RULE,
                Adafactor.RULE, Muon.RULE, Rprop.RULE,
                ASGD.RULE, LBFGS.RULE)) {
            RULES.put(r.torchName(), r);
        }
    }

    private Rules() {
    }

    /** {@return every registered rule, built-in ones first, in registration order} */
    public static synchronized List<Rule> all() {
        return Collections.unmodifiableList(new ArrayList<>(RULES.values()));
    }

    /**
     * The rule called {@code torchName}.
     *
     * @param torchName the {@code torch.optim} class name
     * @return the rule
     * @throws UnsupportedOperationException naming the known rules if there is none
     */
    public static synchronized Rule get(String torchName) {
        if (torchName == null) {
            throw new IllegalArgumentException("torchName must not be null; known rules are " + RULES.keySet());
        }
        Rule r = RULES.get(torchName);
        if (r == null) {
            throw new UnsupportedOperationException("vecopt has no optimizer " + torchName + "; it has "
                    + String.join(", ", RULES.keySet()));
        }
        return r;
    }

    /**
     * Whether a rule called {@code torchName} is registered.
     *
     * @param torchName the {@code torch.optim} class name
     * @return whether it is registered
     */
    public static synchronized boolean contains(String torchName) {
        return RULES.containsKey(torchName);
    }

    /**
     * Adds a user's rule, so that {@link Optimizers#fromTorch} builds it and checkpoints validate its state.
     *
     * @param rule the rule, whose name must be new
     * @throws IllegalArgumentException if a rule of that name is already registered
     */
    public static synchronized void register(Rule rule) {
        if (rule == null) {
            throw new IllegalArgumentException("rule must not be null");
        }
        if (RULES.containsKey(rule.torchName())) {
            throw new IllegalArgumentException("a rule called " + rule.torchName() + " is already registered");
        }
        RULES.put(rule.torchName(), rule);
    }
}
