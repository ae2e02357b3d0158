package vecopt.examples;

import java.util.List;
import vecopt.engine.LAMB;
import vecopt.engine.LARS;
import vecopt.engine.Optimizer;
import vecopt.engine.Parameter;
import vecopt.engine.ParameterSplit;

/**
 * LAMB and LARS with the biases in a group of their own, without weight decay or trust ratio, as
 * BERT's LAMB and SimCLR's LARS leave them: by a name pattern, or by any split of the parameters.
 */
public final class TrustRatioGroups {

    public static void main(String[] args) {
        TinyMlp a = TinyMlp.create(19);
        double start = a.forwardBackward();
        System.out.printf("LAMB: loss %.5f -> %.5f%n", start, train(a, lamb(a.parameters()), 300));
        TinyMlp b = TinyMlp.create(19);
        System.out.printf("LARS: loss %.5f -> %.5f%n", start, train(b, lars(b.parameters()), 300));
    }

    /** LAMB over {@code params}: weights with the trust ratio and decay, biases with neither. */
    static LAMB lamb(List<Parameter> params) {
        LAMB lamb = LAMB.withExcluded(params, LAMB.defaults().with("lr", 2e-3).with("weight_decay", 0.01), "bias|LayerNorm");
        // group 0: the rest, as given; group 1: biases and LayerNorm, weight_decay 0, use_trust_ratio false
        return lamb;
    }

    /** LARS over {@code params}: weights with the trust ratio, biases plain SGD with momentum. */
    static LARS lars(List<Parameter> params) {
        ParameterSplit s = ParameterSplit.byName(params, "bias|bn");
        LARS lars = new LARS(s.rest(), LARS.defaults().with("lr", 4.8).with("weight_decay", 1e-6));
        lars.addParamGroup(s.matching(), LARS.defaults().with("lr", 0.05).with("use_trust_ratio", false));
        return lars;
    }

    /** Takes {@code steps} steps of {@code optimizer} on {@code model}; returns the loss after them. */
    static double train(TinyMlp model, Optimizer optimizer, int steps) {
        for (int step = 0; step < steps; step++) {
            model.forwardBackward();
            optimizer.step();
        }
        return model.forwardBackward();
    }
}
