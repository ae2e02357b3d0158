package vecopt.bench.speed;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a speed benchmark that is not a rule but a bound on rules (the divider bound), and says what
 * it moves per element. The suite reports such benchmarks in a table of their own, after the rules.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Reference {

    /** The name in reports. */
    String label();

    /** The float arrays read per element. */
    String[] reads();

    /** The float arrays written per element. */
    String[] writes();
}
