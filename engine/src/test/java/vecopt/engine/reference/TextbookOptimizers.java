package vecopt.engine.reference;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link TextbookOptimizer} from a {@code torch.optim} class name and its constructor
 * keyword arguments, with PyTorch's names and defaults (torch 2.x):
 *
 * <pre>
 * SGD      lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False
 * Adagrad  lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
 *          maximize=False
 * RMSprop  lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
 *          maximize=False, eps_inside_sqrt=False (not PyTorch: denominator √(v + ε))
 * Adadelta lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, maximize=False
 * Adam     lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, maximize=False,
 *          decoupled_weight_decay=False
 * AdamW    lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, maximize=False
 * Adamax   lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, maximize=False
 * NAdam    lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
 *          decoupled_weight_decay=False, maximize=False
 * RAdam    lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
 *          maximize=False
 * Rprop    lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), maximize=False (also etaminus, etaplus,
 *          step_size_min, step_size_max, vecopt's names for the halves of the pairs)
 * ASGD     lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, maximize=False
 * Lion     lr=1e-4, betas=(0.9, 0.99), weight_decay=0, maximize=False (no torch class: the paper,
 *          optax's names; weight decay decoupled)
 * AdaBelief lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay=0 (decoupled), maximize=False
 *          (no torch class: adabelief-pytorch's names with rectify=False)
 * Yogi     lr=1e-2, betas=(0.9, 0.999), eps=1e-3, initial_accumulator_value=1e-6, maximize=False
 *          (no torch class: optax's names and conventions)
 * ADOPT    lr=1e-3, betas=(0.9, 0.9999), eps=1e-6, weight_decay=0 (decoupled), use_clipping=True,
 *          maximize=False (no torch class: optax's names and clipping schedule, the authors' decay)
 * AdEMAMix lr=1e-3, betas=(0.9, 0.999), beta3=0.9999, alpha=5, eps=1e-8, weight_decay=0 (times lr),
 *          t_alpha=0, t_beta3=0 (0: no warm-up), maximize=False (no torch class: optax's ademamix,
 *          the paper's schedulers at the count before the step)
 * SGDScheduleFree lr=1.0, momentum=0.9, weight_decay=0 (at y), warmup_steps=0, r=0, weight_lr_power=2,
 *          maximize=False (no torch class: the authors' schedulefree package)
 * AdamWScheduleFree lr=0.0025, betas=(0.9, 0.999), eps=1e-8, weight_decay=0 (at y), warmup_steps=0,
 *          r=0, weight_lr_power=2, maximize=False (no torch class: the authors' schedulefree package)
 * LBFGS    lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
 *          history_size=100, line_search_fn=None or "strong_wolfe" ({@link TextbookLBFGS}: it steps
 *          with the objective, not with gradients)
 * LAMB     lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=1e-4 (decoupled, inside the trust
 *          ratio), bias_correction=True, trust_clip=False, use_trust_ratio=True, maximize=False (no torch
 *          class: optax's lamb, apex's and timm's switches)
 * LARS     lr=1.0, momentum=0.9, weight_decay=0, trust_coefficient=1e-3, eps=0, nesterov=False,
 *          use_trust_ratio=True, maximize=False (no torch class: optax's lars trust ratio, torch SGD's
 *          momentum with lr outside the buffer)
 * Adafactor lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3) (also eps1, eps2; None: float32's 2^-23),
 *          d=1.0, weight_decay=0, maximize=False (torch 2.5); beta1=0 or None (the paper's first
 *          moment; not in torch). Give the parameter's shape with withShape.
 * Muon     lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_coefficients=(3.4445, -4.7750,
 *          2.0315) (also ns_a, ns_b, ns_c), eps=1e-7, ns_steps=5, adjust_lr_fn=None, use_addmm
 *          (ignored) (torch 2.9; float64 where torch iterates in bfloat16). Matrices: withShape.
 * </pre>
 *
 * <p>Values are {@link Number}s, {@link Boolean}s, or for {@code "betas"} a {@code List} of two
 * {@code Number}s (a {@code double[]} of length 2 is accepted too). PyTorch's implementation
 * switches that do not change the arithmetic ({@code foreach}, {@code capturable},
 * {@code differentiable}, {@code fused}, wherever the torch class accepts them) are accepted and
 * ignored; they may be {@code null} (Python's {@code None}) or a {@code Boolean}. Any other key,
 * a value of the wrong type, or a value PyTorch rejects, throws {@link IllegalArgumentException}.
 */
public final class TextbookOptimizers {

    private TextbookOptimizers() {}

    /**
     * @param torchClassName a rule's name, spelled as in {@code torch.optim}
     * @param hyper constructor keyword arguments by their PyTorch names; {@code null} means none
     */
    public static TextbookOptimizer create(String torchClassName, Map<String, Object> hyper) {
        Kwargs k = new Kwargs(torchClassName, hyper == null ? Map.of() : hyper);
        switch (torchClassName) {
            case "SGD" -> {
                double lr = k.number("lr", 1e-3);
                double momentum = k.number("momentum", 0);
                double dampening = k.number("dampening", 0);
                double weightDecay = k.number("weight_decay", 0);
                boolean nesterov = k.bool("nesterov", false);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach", "differentiable", "fused");
                k.rejectUnknown();
                return new TextbookSgd(lr, momentum, dampening, weightDecay, nesterov, maximize);
            }
            case "Adagrad" -> {
                double lr = k.number("lr", 1e-2);
                double lrDecay = k.number("lr_decay", 0);
                double weightDecay = k.number("weight_decay", 0);
                double initial = k.number("initial_accumulator_value", 0);
                double eps = k.number("eps", 1e-10);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach", "differentiable", "fused");
                k.rejectUnknown();
                return new TextbookAdagrad(lr, lrDecay, weightDecay, initial, eps, maximize);
            }
            case "RMSprop" -> {
                double lr = k.number("lr", 1e-2);
                double alpha = k.number("alpha", 0.99);
                double eps = k.number("eps", 1e-8);
                double weightDecay = k.number("weight_decay", 0);
                double momentum = k.number("momentum", 0);
                boolean centered = k.bool("centered", false);
                boolean maximize = k.bool("maximize", false);
                boolean epsInsideSqrt = k.bool("eps_inside_sqrt", false);
                k.ignoreSwitches("foreach", "capturable", "differentiable");
                k.rejectUnknown();
                return new TextbookRMSprop(
                        lr, alpha, eps, weightDecay, momentum, centered, maximize, epsInsideSqrt);
            }
            case "Adadelta" -> {
                double lr = k.number("lr", 1.0);
                double rho = k.number("rho", 0.9);
                double eps = k.number("eps", 1e-6);
                double weightDecay = k.number("weight_decay", 0);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach", "capturable", "differentiable");
                k.rejectUnknown();
                return new TextbookAdadelta(lr, rho, eps, weightDecay, maximize);
            }
            case "Adam", "AdamW" -> {
                boolean adamW = torchClassName.equals("AdamW");
                double lr = k.number("lr", 1e-3);
                double[] betas = k.betas(0.9, 0.999);
                double eps = k.number("eps", 1e-8);
                double weightDecay = k.number("weight_decay", adamW ? 1e-2 : 0);
                boolean amsgrad = k.bool("amsgrad", false);
                boolean maximize = k.bool("maximize", false);
                // torch.optim.Adam takes decoupled_weight_decay; AdamW is Adam with it forced on.
                boolean decoupled = adamW || k.bool("decoupled_weight_decay", false);
                k.ignoreSwitches("foreach", "capturable", "differentiable", "fused");
                k.rejectUnknown();
                return new TextbookAdam(
                        lr, betas[0], betas[1], eps, weightDecay, amsgrad, maximize, decoupled);
            }
            case "Adamax" -> {
                double lr = k.number("lr", 2e-3);
                double[] betas = k.betas(0.9, 0.999);
                double eps = k.number("eps", 1e-8);
                double weightDecay = k.number("weight_decay", 0);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach", "capturable", "differentiable");
                k.rejectUnknown();
                return new TextbookAdamax(lr, betas[0], betas[1], eps, weightDecay, maximize);
            }
            case "NAdam" -> {
                double lr = k.number("lr", 2e-3);
                double[] betas = k.betas(0.9, 0.999);
                double eps = k.number("eps", 1e-8);
                double weightDecay = k.number("weight_decay", 0);
                double momentumDecay = k.number("momentum_decay", 4e-3);
                boolean decoupled = k.bool("decoupled_weight_decay", false);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach", "capturable", "differentiable");
                k.rejectUnknown();
                return new TextbookNAdam(
                        lr, betas[0], betas[1], eps, weightDecay, momentumDecay, decoupled,
                        maximize);
            }
            case "RAdam" -> {
                double lr = k.number("lr", 1e-3);
                double[] betas = k.betas(0.9, 0.999);
                double eps = k.number("eps", 1e-8);
                double weightDecay = k.number("weight_decay", 0);
                boolean decoupled = k.bool("decoupled_weight_decay", false);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach", "capturable", "differentiable");
                k.rejectUnknown();
                return new TextbookRAdam(
                        lr, betas[0], betas[1], eps, weightDecay, decoupled, maximize);
            }
            case "Rprop" -> {
                double lr = k.number("lr", 1e-2);
                double[] etas = k.pair("etas", "etaminus", "etaplus", 0.5, 1.2);
                double[] stepSizes = k.pair("step_sizes", "step_size_min", "step_size_max", 1e-6, 50);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach", "capturable", "differentiable");
                k.rejectUnknown();
                return new TextbookRprop(lr, etas[0], etas[1], stepSizes[0], stepSizes[1], maximize);
            }
            case "ASGD" -> {
                double lr = k.number("lr", 1e-2);
                double lambd = k.number("lambd", 1e-4);
                double alpha = k.number("alpha", 0.75);
                double t0 = k.number("t0", 1e6);
                double weightDecay = k.number("weight_decay", 0);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach", "capturable", "differentiable");
                k.rejectUnknown();
                return new TextbookASGD(lr, lambd, alpha, t0, weightDecay, maximize);
            }
            case "Lion" -> {
                double lr = k.number("lr", 1e-4);
                double[] betas = k.betas(0.9, 0.99);
                double weightDecay = k.number("weight_decay", 0);
                boolean maximize = k.bool("maximize", false);
                k.rejectUnknown();
                return new TextbookLion(lr, betas[0], betas[1], weightDecay, maximize);
            }
            case "AdaBelief" -> {
                double lr = k.number("lr", 1e-3);
                double[] betas = k.betas(0.9, 0.999);
                double eps = k.number("eps", 1e-16);
                double weightDecay = k.number("weight_decay", 0);
                boolean maximize = k.bool("maximize", false);
                k.rejectUnknown();
                return new TextbookAdaBelief(lr, betas[0], betas[1], eps, weightDecay, maximize);
            }
            case "Yogi" -> {
                double lr = k.number("lr", 1e-2);
                double[] betas = k.betas(0.9, 0.999);
                double eps = k.number("eps", 1e-3);
                double initial = k.number("initial_accumulator_value", 1e-6);
                boolean maximize = k.bool("maximize", false);
                k.rejectUnknown();
                return new TextbookYogi(lr, betas[0], betas[1], eps, initial, maximize);
            }
            case "ADOPT" -> {
                double lr = k.number("lr", 1e-3);
                double[] betas = k.betas(0.9, 0.9999);
                double eps = k.number("eps", 1e-6);
                double weightDecay = k.number("weight_decay", 0);
                boolean clipping = k.bool("use_clipping", true);
                boolean maximize = k.bool("maximize", false);
                k.rejectUnknown();
                return new TextbookADOPT(lr, betas[0], betas[1], eps, weightDecay, clipping, maximize);
            }
            case "AdEMAMix" -> {
                double lr = k.number("lr", 1e-3);
                double[] betas = k.betas(0.9, 0.999);
                double beta3 = k.number("beta3", 0.9999);
                double alpha = k.number("alpha", 5.0);
                double eps = k.number("eps", 1e-8);
                double weightDecay = k.number("weight_decay", 0);
                double tAlpha = k.number("t_alpha", 0);
                double tBeta3 = k.number("t_beta3", 0);
                boolean maximize = k.bool("maximize", false);
                k.rejectUnknown();
                return new TextbookAdEMAMix(lr, betas[0], betas[1], beta3, alpha, eps, weightDecay, tAlpha, tBeta3,
                        maximize);
            }
            case "SGDScheduleFree" -> {
                double lr = k.number("lr", 1.0);
                double momentum = k.number("momentum", 0.9);
                double weightDecay = k.number("weight_decay", 0);
                double warmupSteps = k.number("warmup_steps", 0);
                double r = k.number("r", 0);
                double weightLrPower = k.number("weight_lr_power", 2);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach");
                k.rejectUnknown();
                return new TextbookSGDScheduleFree(lr, momentum, weightDecay, warmupSteps, r, weightLrPower, maximize);
            }
            case "AdamWScheduleFree" -> {
                double lr = k.number("lr", 0.0025);
                double[] betas = k.betas(0.9, 0.999);
                double eps = k.number("eps", 1e-8);
                double weightDecay = k.number("weight_decay", 0);
                double warmupSteps = k.number("warmup_steps", 0);
                double r = k.number("r", 0);
                double weightLrPower = k.number("weight_lr_power", 2);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach");
                k.rejectUnknown();
                return new TextbookAdamWScheduleFree(lr, betas[0], betas[1], eps, weightDecay, warmupSteps, r,
                        weightLrPower, maximize);
            }
            case "LBFGS" -> {
                double lr = k.number("lr", 1);
                int maxIter = (int) k.number("max_iter", 20);
                Double maxEval = k.numberOrNone("max_eval");
                double toleranceGrad = k.number("tolerance_grad", 1e-7);
                double toleranceChange = k.number("tolerance_change", 1e-9);
                int historySize = (int) k.number("history_size", 100);
                String lineSearch = k.nameOrNone("line_search_fn");
                k.rejectUnknown();
                if (lineSearch != null && !lineSearch.equals("strong_wolfe")) {
                    throw new IllegalArgumentException("only 'strong_wolfe' is supported, got '" + lineSearch + "'");
                }
                return new TextbookLBFGS(lr, maxIter, maxEval == null ? null : maxEval.intValue(), toleranceGrad,
                        toleranceChange, historySize, lineSearch != null);
            }
            case "LAMB" -> {
                double lr = k.number("lr", 1e-3);
                double[] betas = k.betas(0.9, 0.999);
                double eps = k.number("eps", 1e-6);
                double weightDecay = k.number("weight_decay", 1e-4);
                boolean biasCorrection = k.bool("bias_correction", true);
                boolean trustClip = k.bool("trust_clip", false);
                boolean useTrustRatio = k.bool("use_trust_ratio", true);
                boolean maximize = k.bool("maximize", false);
                k.rejectUnknown();
                return new TextbookLAMB(lr, betas[0], betas[1], eps, weightDecay, biasCorrection, trustClip,
                        useTrustRatio, maximize);
            }
            case "LARS" -> {
                double lr = k.number("lr", 1.0);
                double momentum = k.number("momentum", 0.9);
                double weightDecay = k.number("weight_decay", 0);
                double trustCoefficient = k.number("trust_coefficient", 1e-3);
                double eps = k.number("eps", 0);
                boolean nesterov = k.bool("nesterov", false);
                boolean useTrustRatio = k.bool("use_trust_ratio", true);
                boolean maximize = k.bool("maximize", false);
                k.rejectUnknown();
                return new TextbookLARS(lr, momentum, weightDecay, trustCoefficient, eps, nesterov, useTrustRatio,
                        maximize);
            }
            case "Adafactor" -> {
                double lr = k.number("lr", 1e-2);
                double beta2Decay = k.number("beta2_decay", -0.8);
                double[] eps = k.pairWithNone("eps", "eps1", "eps2", TextbookAdafactor.FLOAT32_EPS, 1e-3);
                double d = k.number("d", 1.0);
                double weightDecay = k.number("weight_decay", 0);
                double beta1 = k.numberOrNone("beta1", 0);
                boolean maximize = k.bool("maximize", false);
                k.ignoreSwitches("foreach");
                k.rejectUnknown();
                return new TextbookAdafactor(lr, beta2Decay, eps[0], eps[1], d, weightDecay, beta1, maximize);
            }
            case "Muon" -> {
                double lr = k.number("lr", 1e-3);
                double weightDecay = k.number("weight_decay", 0.1);
                double momentum = k.number("momentum", 0.95);
                boolean nesterov = k.bool("nesterov", true);
                double[] ns = k.triple("ns_coefficients", "ns_a", "ns_b", "ns_c", 3.4445, -4.7750, 2.0315);
                double eps = k.number("eps", 1e-7);
                double steps = k.number("ns_steps", 5);
                if (steps != Math.rint(steps)) {
                    throw new IllegalArgumentException("ns_steps of torch.optim.Muon must be a whole number, got " + steps);
                }
                String adjust = k.nameOrNone("adjust_lr_fn");
                k.ignoreSwitches("use_addmm");
                k.rejectUnknown();
                return new TextbookMuon(lr, weightDecay, momentum, nesterov, ns[0], ns[1], ns[2], eps, (int) steps,
                        adjust);
            }
            case null, default ->
                    throw new IllegalArgumentException(
                            "Unknown optimizer '" + torchClassName + "': no textbook reference for it");
        }
    }

    /** Reads keyword arguments by name, remembering which ones were asked for. */
    private static final class Kwargs {
        private final String optimizer;
        private final Map<String, Object> values;
        private final Set<String> known = new HashSet<>();

        Kwargs(String optimizer, Map<String, Object> values) {
            this.optimizer = optimizer;
            this.values = values;
        }

        double number(String key, double defaultValue) {
            known.add(key);
            if (!values.containsKey(key)) {
                return defaultValue;
            }
            Object value = values.get(key);
            if (!(value instanceof Number number)) {
                throw wrongType(key, value, "a number");
            }
            return number.doubleValue();
        }

        /** A number, or null for None (absent or null). */
        Double numberOrNone(String key) {
            known.add(key);
            Object value = values.get(key);
            if (value == null) {
                return null;
            }
            if (!(value instanceof Number number)) {
                throw wrongType(key, value, "a number or None");
            }
            return number.doubleValue();
        }

        /** A name, or null for None (absent or null). */
        String nameOrNone(String key) {
            known.add(key);
            Object value = values.get(key);
            if (value != null && !(value instanceof String)) {
                throw wrongType(key, value, "a string or None");
            }
            return (String) value;
        }

        boolean bool(String key, boolean defaultValue) {
            known.add(key);
            if (!values.containsKey(key)) {
                return defaultValue;
            }
            Object value = values.get(key);
            if (!(value instanceof Boolean bool)) {
                throw wrongType(key, value, "a boolean");
            }
            return bool;
        }

        double[] betas(double defaultBeta1, double defaultBeta2) {
            known.add("betas");
            if (!values.containsKey("betas")) {
                return new double[] {defaultBeta1, defaultBeta2};
            }
            Object value = values.get("betas");
            if (value instanceof double[] array && array.length == 2) {
                return array.clone();
            }
            if (value instanceof List<?> list
                    && list.size() == 2
                    && list.get(0) instanceof Number beta1
                    && list.get(1) instanceof Number beta2) {
                return new double[] {beta1.doubleValue(), beta2.doubleValue()};
            }
            throw wrongType("betas", value, "a list of two numbers");
        }

        /**
         * PyTorch's pair {@code key} ({@code etas}, {@code step_sizes}), or its two halves by the
         * names vecopt gives them ({@code etaminus}, {@code etaplus}); a half given alone overrides
         * that half of the pair.
         */
        double[] pair(String key, String first, String second, double defaultFirst, double defaultSecond) {
            known.add(key);
            double[] pair = {defaultFirst, defaultSecond};
            if (values.containsKey(key)) {
                Object value = values.get(key);
                if (value instanceof double[] array && array.length == 2) {
                    pair = array.clone();
                } else if (value instanceof List<?> list
                        && list.size() == 2
                        && list.get(0) instanceof Number a
                        && list.get(1) instanceof Number b) {
                    pair = new double[] {a.doubleValue(), b.doubleValue()};
                } else {
                    throw wrongType(key, value, "a list of two numbers");
                }
            }
            pair[0] = number(first, pair[0]);
            pair[1] = number(second, pair[1]);
            return pair;
        }

        /** PyTorch's tuple {@code key} of three numbers, or its elements by vecopt's names. */
        double[] triple(String key, String first, String second, String third, double a, double b, double c) {
            known.add(key);
            double[] t = {a, b, c};
            if (values.containsKey(key)) {
                Object value = values.get(key);
                if (!(value instanceof List<?> list) || list.size() != 3
                        || !list.stream().allMatch(x -> x instanceof Number)) {
                    throw wrongType(key, value, "a list of three numbers");
                }
                for (int i = 0; i < 3; i++) {
                    t[i] = ((Number) list.get(i)).doubleValue();
                }
            }
            t[0] = number(first, t[0]);
            t[1] = number(second, t[1]);
            t[2] = number(third, t[2]);
            return t;
        }

        /** A number, or None (null) for {@code defaultValue}. */
        double numberOrNone(String key, double defaultValue) {
            if (values.containsKey(key) && values.get(key) == null) {
                known.add(key);
                return defaultValue;
            }
            return number(key, defaultValue);
        }

        /**
         * As {@link #pair}, where either element may be None (null), which keeps its default:
         * Adafactor's {@code eps=(None, 1e-3)}.
         */
        double[] pairWithNone(String key, String first, String second, double defaultFirst, double defaultSecond) {
            known.add(key);
            double[] pair = {defaultFirst, defaultSecond};
            if (values.containsKey(key)) {
                Object value = values.get(key);
                if (!(value instanceof List<?> list) || list.size() != 2) {
                    throw wrongType(key, value, "a list of two numbers or None");
                }
                for (int i = 0; i < 2; i++) {
                    if (list.get(i) instanceof Number x) {
                        pair[i] = x.doubleValue();
                    } else if (list.get(i) != null) {
                        throw wrongType(key, value, "a list of two numbers or None");
                    }
                }
            }
            pair[0] = numberOrNone(first, pair[0]);
            pair[1] = numberOrNone(second, pair[1]);
            return pair;
        }

        /** Accepts implementation switches that do not change the arithmetic, and ignores them. */
        void ignoreSwitches(String... keys) {
            for (String key : keys) {
                known.add(key);
                Object value = values.get(key);
                if (value != null && !(value instanceof Boolean)) {
                    throw wrongType(key, value, "a boolean or null");
                }
            }
        }

        void rejectUnknown() {
            for (String key : values.keySet()) {
                if (!known.contains(key)) {
                    throw new IllegalArgumentException(
                            "Unknown keyword argument '" + key + "' for torch.optim." + optimizer
                                    + " (known: " + known.stream().sorted().toList() + ")");
                }
            }
        }

        private IllegalArgumentException wrongType(String key, Object value, String expected) {
            return new IllegalArgumentException(
                    "Keyword argument '" + key + "' of torch.optim." + optimizer + " must be "
                            + expected + ", got " + value
                            + (value == null ? "" : " (" + value.getClass().getSimpleName() + ")"));
        }
    }
}
