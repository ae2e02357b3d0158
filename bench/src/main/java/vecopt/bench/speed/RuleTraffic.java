package vecopt.bench.speed;

/**
 * The memory traffic of each update rule per element: how many float arrays its fused kernel reads
 * and writes. The one place the suite takes bytes per element from (GB/s, bandwidth bound), and the
 * shape of the bandwidth reference each rule is measured against.
 */
public enum RuleTraffic {
    SGD("SGD", "p, g → p", 2, 1),
    SGD_MOMENTUM("SGD momentum (Nesterov)", "p, g, momentum_buffer → p, momentum_buffer", 3, 2),
    ADAGRAD("Adagrad", "p, g, sum → p, sum", 3, 2),
    RMSPROP("RMSprop", "p, g, square_avg → p, square_avg", 3, 2),
    ADADELTA("Adadelta", "p, g, square_avg, acc_delta → p, square_avg, acc_delta", 4, 3),
    ADAM("Adam", "p, g, exp_avg, exp_avg_sq → p, exp_avg, exp_avg_sq", 4, 3),
    ADAMW("AdamW", "p, g, exp_avg, exp_avg_sq → p, exp_avg, exp_avg_sq", 4, 3),
    ADAM_AMSGRAD("Adam AMSGrad", "p, g, exp_avg, exp_avg_sq, max_exp_avg_sq → p, exp_avg, exp_avg_sq, max_exp_avg_sq", 5, 4),
    ADAMAX("Adamax", "p, g, exp_avg, exp_inf → p, exp_avg, exp_inf", 4, 3),
    NADAM("NAdam", "p, g, exp_avg, exp_avg_sq → p, exp_avg, exp_avg_sq", 4, 3),
    RADAM("RAdam", "p, g, exp_avg, exp_avg_sq → p, exp_avg, exp_avg_sq", 4, 3),
    /** Not a rule: Adam's square root and division alone, the in-cache bound of the sqrt-dividing rules. */
    ADAM_DIVIDER_BOUND("Adam divider bound (sqrt + div)", "a, b → out", 2, 1);

    private final String label;
    private final String arrays;
    private final int reads;
    private final int writes;

    RuleTraffic(String label, String arrays, int reads, int writes) {
        this.label = label;
        this.arrays = arrays;
        this.reads = reads;
        this.writes = writes;
    }

    /** Name in reports. */
    public String label() {
        return label;
    }

    /** The arrays read and written, as {@code reads → writes}. */
    public String arrays() {
        return arrays;
    }

    /** Floats read per element. */
    public int reads() {
        return reads;
    }

    /** Floats written per element. */
    public int writes() {
        return writes;
    }

    /** Bytes moved per element: every read and every write of a float. */
    public int bytesPerElement() {
        return Float.BYTES * (reads + writes);
    }

    /** True for the references that bound rules rather than being one. */
    public boolean isReference() {
        return this == ADAM_DIVIDER_BOUND;
    }

    /** True when both move the same arrays, so one bandwidth reference serves both. */
    public boolean sameTrafficAs(RuleTraffic other) {
        return reads == other.reads && writes == other.writes;
    }

    /** {@code r4w3}: the traffic's short name. */
    public String shape() {
        return "r" + reads + "w" + writes;
    }
}
