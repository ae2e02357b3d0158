package vecopt.bench.speed;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the registered rule, and the options, a speed benchmark class measures:
 * {@code @Measures(rule = "Adam", kwargs = "amsgrad=true", label = "Adam AMSGrad")}. The suite reads it
 * without initializing the class to label results and take their traffic from the rule
 * ({@link MeasuredRule}); a {@link RuleBenchmark} also takes the hyperparameters of its coefficients from it.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Measures {

    /** The rule's {@code torch.optim} class name, as registered in {@code vecopt.engine.Rules}. */
    String rule();

    /**
     * Changes to the rule's defaults, each {@code name=value} with the engine's hyperparameter names
     * ({@code beta1}, not {@code betas}); flags are {@code true} or {@code false}.
     */
    String[] kwargs() default {};

    /** The name in reports; the rule's name when empty. */
    String label() default "";

    /**
     * The arrays read and written, {@code "reads → writes"}, in reports; the rule's when empty. For a pass
     * that is not the rule but moves the same traffic (weight averaging, filed under plain SGD: two
     * arrays read, one written), so that reports name its own arrays.
     */
    String arrays() default "";
}
