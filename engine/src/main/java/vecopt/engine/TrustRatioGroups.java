package vecopt.engine;

import java.util.List;
import java.util.function.BiFunction;

/**
 * Builds a LAMB or LARS optimizer whose parameters matching a name pattern (biases, normalisation
 * layers) are in a group of their own without weight decay or trust ratio, the common setting of BERT's
 * LAMB and of LARS in SimCLR and Barlow Twins.
 */
final class TrustRatioGroups {

    private TrustRatioGroups() {
    }

    /**
     * The others in the first group with {@code hyperparameters}, the matching ones in a second group
     * with {@code weight_decay = 0} and {@code use_trust_ratio = false}; one group if either side is empty
     * (the matching one, if nothing else is left).
     */
    static <O extends Optimizer> O build(List<Parameter> parameters, Hyperparameters hyperparameters, String regex,
                                         BiFunction<List<Parameter>, Hyperparameters, O> create) {
        if (hyperparameters == null) {
            throw new IllegalArgumentException("hyperparameters must not be null");
        }
        ParameterSplit split = ParameterSplit.byName(parameters, regex);
        Hyperparameters excluded = hyperparameters.withValues(
                java.util.Map.of("weight_decay", 0.0, "use_trust_ratio", 0.0));
        if (split.rest().isEmpty()) {
            return create.apply(split.matching(), excluded);
        }
        O optimizer = create.apply(split.rest(), hyperparameters);
        if (!split.matching().isEmpty()) {
            optimizer.addParamGroup(split.matching(), excluded);
        }
        return optimizer;
    }
}
