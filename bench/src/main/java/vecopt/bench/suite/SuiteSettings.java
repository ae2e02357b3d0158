package vecopt.bench.suite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code suite} command's options.
 *
 * @param mode    quick or full
 * @param include regular expression a benchmark's full name must contain; the memory section runs only
 *                with the default, {@link #EVERYTHING}
 * @param sizes   tensor sizes, the mode's unless {@code --sizes} is given
 * @param threads thread counts, 1 and all cores unless {@code --threads} is given
 * @param out     directory for the report, the JSON and the chart
 * @param dryRun  list the runs and stop
 * @param fromJson a {@code jmh-results.json} to rewrite the report and chart from instead of running, or null
 */
public record SuiteSettings(SuiteMode mode, Pattern include, List<Integer> sizes, List<Integer> threads, Path out,
                            boolean dryRun, Path fromJson) {

    /** The default {@code --include}: every benchmark, and then the memory section runs too. */
    public static final String EVERYTHING = ".*";

    public static final String USAGE =
            "suite [--quick|--full] [--include REGEX] [--sizes N,N,...] [--threads N,N,...] [--out DIR] [--dry-run] [--from-json FILE]";

    /** Parses the arguments after {@code suite}; {@code cores} is the default largest thread count. */
    public static SuiteSettings parse(List<String> args, int cores) {
        SuiteMode mode = SuiteMode.QUICK;
        Pattern include = Pattern.compile(EVERYTHING);
        List<Integer> sizes = null;
        List<Integer> threads = cores > 1 ? List.of(1, cores) : List.of(1);
        Path out = Path.of("bench-results");
        boolean dryRun = false;
        Path fromJson = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--quick" -> mode = SuiteMode.QUICK;
                case "--full" -> mode = SuiteMode.FULL;
                case "--dry-run" -> dryRun = true;
                case "--include" -> {
                    String regex = value(args, ++i, arg);
                    try {
                        include = Pattern.compile(regex);
                    } catch (PatternSyntaxException e) {
                        throw new IllegalArgumentException("--include " + regex + " is not a regular expression: "
                                + e.getDescription());
                    }
                }
                case "--sizes" -> sizes = positiveInts(value(args, ++i, arg), arg);
                case "--threads" -> threads = positiveInts(value(args, ++i, arg), arg);
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "--from-json" -> fromJson = Path.of(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        return new SuiteSettings(mode, include, sizes == null ? mode.sizes() : sizes, threads, out, dryRun, fromJson);
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    /** {@code 4096,64Ki,1Mi}: numbers, optionally with a binary suffix Ki or Mi. */
    static List<Integer> positiveInts(String list, String option) {
        List<Integer> values = new ArrayList<>();
        for (String item : list.split(",")) {
            String s = item.trim();
            String digits = s.toLowerCase(Locale.ROOT);
            int shift = 0;
            if (digits.endsWith("ki")) {
                shift = 10;
            } else if (digits.endsWith("mi")) {
                shift = 20;
            }
            if (shift != 0) {
                digits = digits.substring(0, digits.length() - 2);
            }
            long value;
            try {
                value = Math.multiplyExact(Long.parseLong(digits), 1L << shift);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException(option + " takes positive whole numbers such as 4096 or 64Ki, got " + s);
            }
            if (value < 1 || value > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException(option + " values must be between 1 and 2^31 - 65, got " + s);
            }
            values.add((int) value);
        }
        return values.stream().sorted().distinct().toList();
    }
}
