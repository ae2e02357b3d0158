package vecopt.bench.speed;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the rule a speed benchmark class measures. The suite reads it without initializing the
 * class to label results and find their traffic; the benchmark reads it to pick its bandwidth kernel.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Measures {
    RuleTraffic value();
}
