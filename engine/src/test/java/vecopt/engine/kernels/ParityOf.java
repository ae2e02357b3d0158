package vecopt.engine.kernels;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rules (their {@code torch.optim} names) whose kernels a parity test compares, scalar against
 * Panama; {@code RuleCoverageTest} fails for a registered rule that no test names.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ParityOf {
    String[] value();
}
