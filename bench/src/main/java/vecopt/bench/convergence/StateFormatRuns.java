package vecopt.bench.convergence;

import java.util.ArrayList;
import java.util.List;
import vecopt.engine.Optimizer;
import vecopt.engine.StateFormat;

/**
 * The digits MLP trained by each optimizer whose rule can store its state compressed, once per state
 * format, from the same start on the same mini-batches: what bfloat16 and 8-bit state cost in accuracy
 * beside float32. Which optimizers take part is not listed here: every row of {@link OptimizerTable}
 * whose optimizer stores a buffer compressed when asked to runs.
 *
 * <p>Only tensors of at least 4096 elements get 8-bit state, as in bitsandbytes: in the digits MLP that
 * is the first layer's 64 x 64 weights; the smaller tensors keep float32 under that format.
 *
 * @param label the optimizer's row label
 * @param lr its MLP learning rate from the table
 * @param runs one run per {@link #FORMATS} entry, in that order; each run's schedule is named after its format
 */
public record StateFormatRuns(String label, double lr, List<Trainer.Curves> runs) {

    /** The formats compared, float32 first (the reference the others are measured against). */
    public static final List<StateFormat> FORMATS = List.of(StateFormat.float32(), StateFormat.bfloat16(),
            StateFormat.bfloat16Stochastic(7), StateFormat.blockwise8bit());

    /** {@code run}'s final test accuracy minus float32's, in percentage points (negative: the format lost). */
    public double accuracyDifferencePoints(int run) {
        return 100 * (runs.get(run).finalTest().accuracy() - runs.get(0).finalTest().accuracy());
    }

    /** Every table row whose optimizer keeps compressible state, each trained once per format. */
    public static List<StateFormatRuns> run(ConvergenceSuite.Settings s, Digits.Split data) {
        List<StateFormatRuns> all = new ArrayList<>();
        for (OptimizerSetup o : OptimizerTable.all()) {
            if (!keepsCompressibleState(o, s)) {
                continue;
            }
            double lr = o.lr().mlp();
            List<Trainer.Curves> runs = new ArrayList<>();
            for (StateFormat format : FORMATS) {
                DigitsModel net = DigitsModel.mlp(s.hidden(), s.initSeed());
                Optimizer optimizer = o.build(net.parameters(), lr);
                optimizer.setStateFormat(format);
                runs.add(Trainer.train(net, optimizer, data,
                        new Trainer.Schedule(format.toString(), s.batchSize(), false, s.epochs(), s.shuffleSeed())));
            }
            all.add(new StateFormatRuns(o.label(), lr, runs));
        }
        return all;
    }

    /**
     * Whether {@code o}'s optimizer over the MLP's parameters stores some buffer compressed when asked
     * to: it accepts bfloat16 state and its allocated state holds a compressed buffer (SGD without
     * momentum accepts the format but keeps no buffer).
     */
    static boolean keepsCompressibleState(OptimizerSetup o, ConvergenceSuite.Settings s) {
        DigitsModel net = DigitsModel.mlp(s.hidden(), s.initSeed());
        Optimizer optimizer;
        try {
            optimizer = o.build(net.parameters(), o.lr().mlp());
            optimizer.setStateFormat(StateFormat.bfloat16());
        } catch (IllegalArgumentException noCompressedState) {
            return false;
        }
        optimizer.allocateState();
        return optimizer.stateDict().groups().stream().flatMap(g -> g.parameters().stream())
                .anyMatch(p -> p.state() != null && !p.state().compressedBufferNames().isEmpty());
    }
}
