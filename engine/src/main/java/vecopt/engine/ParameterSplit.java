package vecopt.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parameters split by name, to give some of them a group of their own: biases and normalisation
 * layers without weight decay or trust ratio, as BERT's LAMB ({@code exclude_from_weight_decay},
 * {@code exclude_from_layer_adaptation}) and optax's masks do.
 *
 * <pre>
 * ParameterSplit s = ParameterSplit.byName(parameters, "bias|norm");
 * AdamW adamw = new AdamW(s.rest(), AdamW.defaults());
 * adamw.addParamGroup(s.matching(), AdamW.defaults().with("weight_decay", 0));
 * </pre>
 *
 * @param matching the parameters whose name contains a match of the pattern, in their order
 * @param rest     the others, in their order
 */
public record ParameterSplit(List<Parameter> matching, List<Parameter> rest) {

    /**
     * A split of given lists, kept as unmodifiable copies.
     *
     * @throws IllegalArgumentException if {@code matching} or {@code rest} is null
     * @throws NullPointerException if either list contains null
     */
    public ParameterSplit {
        if (matching == null || rest == null) {
            throw new IllegalArgumentException("matching and rest must not be null, got " + matching + " and " + rest);
        }
        matching = List.copyOf(matching);
        rest = List.copyOf(rest);
    }

    /**
     * Splits {@code parameters} by whether a match of {@code regex} occurs anywhere in the name
     * ({@link java.util.regex.Matcher#find}, as Python's {@code re.search}): {@code "bias|LayerNorm"}
     * matches {@code encoder.layer0.LayerNorm.weight} and {@code fc1.bias}.
     *
     * @param parameters the parameters to split, none of them null; may be empty
     * @param regex a {@link java.util.regex.Pattern} searched for anywhere in each name
     * @return the matching parameters and the others, each in the order of {@code parameters}
     * @throws IllegalArgumentException naming the argument if {@code parameters} or {@code regex} is null,
     *     {@code parameters} contains null, or {@code regex} is not a regular expression
     */
    public static ParameterSplit byName(List<Parameter> parameters, String regex) {
        if (parameters == null) {
            throw new IllegalArgumentException("parameters must not be null");
        }
        if (regex == null) {
            throw new IllegalArgumentException("regex must not be null");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("regex must be a regular expression, got '" + regex + "': "
                    + e.getDescription(), e);
        }
        List<Parameter> matching = new ArrayList<>();
        List<Parameter> rest = new ArrayList<>();
        for (Parameter p : parameters) {
            if (p == null) {
                throw new IllegalArgumentException("parameters must not contain null");
            }
            (pattern.matcher(p.name()).find() ? matching : rest).add(p);
        }
        return new ParameterSplit(matching, rest);
    }
}
