package vecopt.engine.schedule;

import java.util.List;
import vecopt.engine.Hyperparameters;
import vecopt.engine.ParamGroup;

/** Sets validated hyperparameters on several groups as one change. */
final class GroupValues {

    private GroupValues() {
    }

    /**
     * Sets {@code after[i]} on group {@code i} wherever it differs from {@code before[i]}. The values
     * are validated already, so only misuse fails here (ParamGroup.set while the optimizer steps in
     * another thread); the groups already set are then put back to {@code before}.
     */
    static void setAll(List<ParamGroup> groups, Hyperparameters[] before, Hyperparameters[] after) {
        for (int i = 0; i < after.length; i++) {
            try {
                if (after[i] != before[i]) {
                    groups.get(i).setHyperparameters(after[i]);
                }
            } catch (RuntimeException e) {
                for (int j = 0; j < i; j++) {
                    try {
                        groups.get(j).setHyperparameters(before[j]);
                    } catch (RuntimeException undo) {
                        e.addSuppressed(undo);
                    }
                }
                throw e;
            }
        }
    }
}
