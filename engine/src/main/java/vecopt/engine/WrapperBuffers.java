package vecopt.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-parameter arrays a wrapper keeps beside its inner optimizer (Lookahead's slow weights,
 * gradient accumulators): the lengths a checkpoint must hold, and a check of restored arrays.
 */
final class WrapperBuffers {

    private WrapperBuffers() {
    }

    /** Each parameter's size by name, in the inner optimizer's group and parameter order. */
    static Map<String, Integer> lengths(Optimizer inner) {
        Map<String, Integer> lengths = new LinkedHashMap<>();
        for (ParamGroup group : inner.paramGroups()) {
            for (Parameter p : group.parameters()) {
                lengths.put(p.name(), p.size());
            }
        }
        return lengths;
    }

    /**
     * {@code buffers} in the order of {@code lengths}, each checked to belong to a parameter and to
     * have its length.
     *
     * @param what the arrays' name in messages, e.g. {@code "slow weights"}
     * @throws IllegalArgumentException naming the parameter and the lengths; nothing is changed
     */
    static Map<String, float[]> checked(String what, Map<String, Integer> lengths, Map<String, float[]> buffers) {
        for (Map.Entry<String, float[]> e : buffers.entrySet()) {
            Integer length = lengths.get(e.getKey());
            if (length == null) {
                throw new IllegalArgumentException("no parameter called " + e.getKey() + " for " + what);
            }
            if (e.getValue().length != length) {
                throw new IllegalArgumentException(what + " of " + e.getKey() + ": " + e.getValue().length
                        + " elements, the parameter has " + length);
            }
        }
        Map<String, float[]> ordered = new LinkedHashMap<>();
        for (String name : lengths.keySet()) {
            if (buffers.containsKey(name)) {
                ordered.put(name, buffers.get(name));
            }
        }
        return ordered;
    }
}
