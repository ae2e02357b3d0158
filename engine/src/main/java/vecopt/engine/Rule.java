package vecopt.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;

/**
 * What vecopt knows about one update rule without running it: its {@code torch.optim} class name,
 * its hyperparameters and their defaults, the state it keeps per parameter, and how to build an
 * optimizer that applies it. Everything that lists rules (the {@link Rules} registry,
 * {@link Optimizers#fromTorch}, checkpoint validation, the benchmarks' traffic table, the
 * convergence suite, the coverage tests) reads these descriptors instead of keeping its own list.
 *
 * <pre>
 * public static final Rule RULE = Rule.builder("Adam", DEFAULTS, Adam::new)
 *         .buffer("exp_avg").buffer("exp_avg_sq")
 *         .bufferWhen("max_exp_avg_sq", h -&gt; h.flag(AMSGRAD))
 *         .build();
 * </pre>
 */
public final class Rule {

    /** Builds the optimizer of a rule over the first group's parameters. */
    @FunctionalInterface
    public interface Factory {
        Optimizer create(List<Parameter> parameters, Hyperparameters hyperparameters);
    }

    /**
     * One state buffer: its PyTorch state name, its shape as a function of the parameter's shape
     * ({@link #LIKE_PARAMETER} for element-wise state), when it exists and its initial value. A shape
     * function may return null for parameter shapes that keep no such buffer: Adafactor keeps
     * {@code row_var} and {@code col_var} for matrices and {@code variance} for vectors.
     */
    public record Buffer(String name, UnaryOperator<int[]> shape, Predicate<Hyperparameters> presentWhen,
                         ToDoubleFunction<Hyperparameters> initialValue) {

        /** The shape of the parameter itself: one state element per parameter element. */
        public static final UnaryOperator<int[]> LIKE_PARAMETER = UnaryOperator.identity();

        /** Present with every option: required in a checkpoint once a parameter has stepped. */
        public static final Predicate<Hyperparameters> ALWAYS = h -> true;

        public Buffer {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(presentWhen, "presentWhen");
            Objects.requireNonNull(initialValue, "initialValue");
        }

        /** True if every parameter keeps it, whatever the options ({@link #ALWAYS}). */
        public boolean always() {
            return presentWhen == ALWAYS;
        }

        /** Whether a parameter with these hyperparameters keeps this buffer. */
        public boolean presentFor(Hyperparameters h) {
            return presentWhen.test(h);
        }

        /** True for a buffer of the parameter's own shape, read and written once per element per step. */
        public boolean elementWise() {
            return shape == LIKE_PARAMETER;
        }

        /** Its shape for a parameter of shape {@code parameterShape}, or null if such a parameter keeps none. */
        public int[] shapeFor(int[] parameterShape) {
            int[] s = shape.apply(parameterShape.clone());
            return s == null ? null : s.clone();
        }

        /** Whether a parameter of shape {@code parameterShape} with hyperparameters {@code h} keeps this buffer. */
        public boolean keptFor(Hyperparameters h, int[] parameterShape) {
            return presentFor(h) && (elementWise() || shape.apply(parameterShape.clone()) != null);
        }

        /**
         * Its number of elements for a parameter of shape {@code parameterShape}.
         *
         * @throws IllegalArgumentException if such a parameter keeps no such buffer
         */
        public int length(int[] parameterShape) {
            int[] s = shape.apply(parameterShape.clone());
            if (s == null) {
                throw new IllegalArgumentException("a parameter of shape " + Arrays.toString(parameterShape)
                        + " keeps no buffer " + name);
            }
            long n = 1;
            for (int d : s) {
                n *= d;
            }
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("buffer " + name + " of shape " + Arrays.toString(s)
                        + " has more than 2^31 - 1 elements");
            }
            return (int) n;
        }
    }

    /**
     * A scalar of state, kept in double, with its value before the first step as a function of the
     * hyperparameters (NAdam's {@code mu_product} starts at 1, ASGD's {@code eta} at {@code lr}).
     */
    public record Scalar(String name, ToDoubleFunction<Hyperparameters> initial) {
        public Scalar {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(initial, "initial");
        }

        /** A scalar starting at {@code initialValue} whatever the hyperparameters. */
        public Scalar(String name, double initialValue) {
            this(name, h -> initialValue);
        }

        /** Its value before the first step of a parameter with hyperparameters {@code h}. */
        public double initialValue(Hyperparameters h) {
            return initial.applyAsDouble(h);
        }
    }

    /**
     * Memory traffic of one step per parameter element: floats read (parameter, gradient and each
     * element-wise buffer) and written (parameter and each buffer), over all passes of the step (a
     * rule that reads the gradient twice counts it twice). The benchmarks' bandwidth bound.
     */
    public record Traffic(int reads, int writes) {

        /** Bytes moved per element. */
        public int bytesPerElement() {
            return Float.BYTES * (reads + writes);
        }

        /** {@code r4w3}: reads 4 floats and writes 3 per element. */
        public String shape() {
            return "r" + reads + "w" + writes;
        }
    }

    /**
     * The parameter shapes a rule can step, with the sentence that tells a user what to do with the
     * others (Muon: matrices only, the rest to an AdamW).
     */
    public record Shapes(Predicate<int[]> accepts, String requirement) {

        /** Every shape: element-wise rules and Adafactor. */
        public static final Shapes ANY = new Shapes(s -> true, "any shape");

        public Shapes {
            Objects.requireNonNull(accepts, "accepts");
            Objects.requireNonNull(requirement, "requirement");
        }
    }

    private final String torchName;
    private final Hyperparameters defaults;
    private final List<Buffer> buffers;
    private final List<Scalar> scalars;
    private final Factory factory;
    private final Shapes shapes;
    private final Function<Hyperparameters, Traffic> traffic;

    private Rule(String torchName, Hyperparameters defaults, List<Buffer> buffers, List<Scalar> scalars,
                 Factory factory, Shapes shapes, Function<Hyperparameters, Traffic> traffic) {
        this.torchName = torchName;
        this.defaults = defaults;
        this.buffers = List.copyOf(buffers);
        this.scalars = List.copyOf(scalars);
        this.factory = factory;
        this.shapes = shapes;
        this.traffic = traffic;
    }

    /** Starts the descriptor of the rule {@code torch.optim.<torchName>}. */
    public static Builder builder(String torchName, Hyperparameters defaults, Factory factory) {
        if (torchName == null || torchName.isBlank()) {
            throw new IllegalArgumentException("torchName must not be blank, got "
                    + (torchName == null ? null : "'" + torchName + "'"));
        }
        if (defaults == null) {
            throw new IllegalArgumentException("defaults of " + torchName + " must not be null");
        }
        if (factory == null) {
            throw new IllegalArgumentException("factory of " + torchName + " must not be null");
        }
        return new Builder(torchName, defaults, factory);
    }

    /** The {@code torch.optim} class name, e.g. {@code "Adam"}; the rule's name everywhere in vecopt. */
    public String torchName() {
        return torchName;
    }

    /** PyTorch's defaults; they also define which hyperparameters the rule has. */
    public Hyperparameters defaults() {
        return defaults;
    }

    /** Every buffer the rule may keep, whatever its options. */
    public List<Buffer> buffers() {
        return buffers;
    }

    /** The buffers a parameter keeps with hyperparameters {@code h}, for some parameter shape. */
    public List<Buffer> buffers(Hyperparameters h) {
        return buffers.stream().filter(b -> b.presentFor(h)).toList();
    }

    /** The buffers a parameter of shape {@code parameterShape} keeps with hyperparameters {@code h}. */
    public List<Buffer> buffers(Hyperparameters h, int[] parameterShape) {
        return buffers.stream().filter(b -> b.keptFor(h, parameterShape)).toList();
    }

    /** The parameter shapes this rule steps. */
    public Shapes shapes() {
        return shapes;
    }

    /** Whether this rule steps a parameter of shape {@code shape}. */
    public boolean accepts(int[] shape) {
        return shapes.accepts().test(shape.clone());
    }

    /**
     * Throws unless this rule steps a parameter of {@code p}'s shape.
     *
     * @throws IllegalArgumentException naming the rule, the parameter, its shape and what to do instead
     */
    public void checkShape(Parameter p) {
        int[] shape = p.value().shape();
        if (!accepts(shape)) {
            throw new IllegalArgumentException(torchName + " steps " + shapes.requirement() + "; parameter "
                    + p.name() + " has shape " + Arrays.toString(shape));
        }
    }

    /** The buffer called {@code name}, or null if the rule keeps none. */
    public Buffer buffer(String name) {
        for (Buffer b : buffers) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        return null;
    }

    /** Every scalar of state. */
    public List<Scalar> scalars() {
        return scalars;
    }

    /**
     * Floats read and written per parameter element by one step with hyperparameters {@code h}: one
     * fused pass over the parameter, its gradient and its element-wise buffers, unless the rule states
     * its own ({@link Builder#traffic}).
     */
    public Traffic traffic(Hyperparameters h) {
        if (traffic != null) {
            return traffic.apply(h);
        }
        int elementWise = (int) buffers(h).stream().filter(Buffer::elementWise).count();
        return new Traffic(2 + elementWise, 1 + elementWise);
    }

    /** A new optimizer of this rule over {@code parameters}, all in its first group. */
    public Optimizer create(List<Parameter> parameters, Hyperparameters hyperparameters) {
        return factory.create(parameters, hyperparameters);
    }

    @Override
    public String toString() {
        return torchName;
    }

    /** Collects a rule's state layout. */
    public static final class Builder {

        private final String torchName;
        private final Hyperparameters defaults;
        private final Factory factory;
        private final List<Buffer> buffers = new ArrayList<>();
        private final List<Scalar> scalars = new ArrayList<>();
        private Shapes shapes = Shapes.ANY;
        private Function<Hyperparameters, Traffic> traffic;

        private Builder(String torchName, Hyperparameters defaults, Factory factory) {
            this.torchName = torchName;
            this.defaults = defaults;
            this.factory = factory;
        }

        /** An element-wise buffer every parameter keeps, starting at 0. */
        public Builder buffer(String name) {
            return add(new Buffer(name, Buffer.LIKE_PARAMETER, Buffer.ALWAYS, h -> 0));
        }

        /** An element-wise buffer kept only with some options, starting at 0. */
        public Builder bufferWhen(String name, Predicate<Hyperparameters> presentWhen) {
            return add(new Buffer(name, Buffer.LIKE_PARAMETER, presentWhen, h -> 0));
        }

        /** Any buffer: factored or per-tensor shapes, initial values from the hyperparameters. */
        public Builder add(Buffer buffer) {
            if (buffers.stream().anyMatch(b -> b.name().equals(buffer.name()))) {
                throw new IllegalArgumentException(torchName + " already has a buffer " + buffer.name());
            }
            buffers.add(buffer);
            return this;
        }

        /** A scalar of state and its value before the first step. */
        public Builder scalar(String name, double initialValue) {
            scalars.add(new Scalar(name, initialValue));
            return this;
        }

        /** A scalar of state whose value before the first step depends on the hyperparameters. */
        public Builder scalar(String name, ToDoubleFunction<Hyperparameters> initialValue) {
            scalars.add(new Scalar(name, initialValue));
            return this;
        }

        /** The parameter shapes the rule steps; {@link Shapes#ANY} unless set. */
        public Builder shapes(Shapes shapes) {
            this.shapes = Objects.requireNonNull(shapes, "shapes");
            return this;
        }

        /**
         * The floats one step reads and writes per parameter element, for a rule of several passes
         * (one pass over the parameter, its gradient and its element-wise buffers unless set).
         */
        public Builder traffic(Function<Hyperparameters, Traffic> traffic) {
            this.traffic = Objects.requireNonNull(traffic, "traffic");
            return this;
        }

        public Rule build() {
            return new Rule(torchName, defaults, buffers, scalars, factory, shapes, traffic);
        }
    }
}
