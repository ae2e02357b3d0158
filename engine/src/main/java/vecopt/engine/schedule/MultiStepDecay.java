package vecopt.engine.schedule;

import java.util.Arrays;

/**
 * {@code initial * gamma^(number of milestones <= t)}. PyTorch's {@code MultiStepLR}; a milestone
 * listed twice counts twice, as there.
 *
 * @param milestones the steps at which the value is multiplied by {@code gamma}
 * @param gamma the factor at each milestone
 */
public record MultiStepDecay(long[] milestones, double gamma) implements Schedule {

    /** Checks the milestones and {@code gamma}, and copies the milestones. */
    public MultiStepDecay {
        milestones = Checks.notNull("milestones", milestones).clone();
        for (int i = 0; i < milestones.length; i++) {
            if (milestones[i] < 0 || (i > 0 && milestones[i] < milestones[i - 1])) {
                throw new IllegalArgumentException("milestones must be non-negative and ascending, got "
                        + Arrays.toString(milestones));
            }
        }
        Checks.nonNegative("gamma", gamma);
    }

    @Override
    public double valueAt(long t, double initial) {
        Checks.step(t);
        int passed = 0;
        for (long m : milestones) {
            if (m <= t) {
                passed++;
            }
        }
        return initial * Math.pow(gamma, passed);
    }

    /** {@code current * gamma^(times t is a milestone)}. */
    @Override
    public double nextValue(long t, double current, double initial) {
        Checks.nextStep(t);
        int hits = 0;
        for (long m : milestones) {
            if (m == t) {
                hits++;
            }
        }
        return hits == 0 ? current : current * Math.pow(gamma, hits);
    }

    /** {@return a copy of the milestones} */
    @Override
    public long[] milestones() {
        return milestones.clone();
    }
}
