package vecopt.bench.suite;

import java.time.Duration;

/**
 * What the report says about the run it comes from.
 *
 * @param mode       {@code quick}, {@code full}
 * @param settings   JMH settings in words
 * @param command    the command line that ran the suite
 * @param machine    cores, JDK and vector width in words
 * @param date       when the run started
 * @param wallTime   how long it took
 */
public record SuiteInfo(String mode, String settings, String command, String machine, String date, Duration wallTime) {
}
