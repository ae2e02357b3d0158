package vecopt.engine;

import java.util.List;

/**
 * Parameters that share hyperparameters. The hyperparameters can be replaced between steps (this is
 * how schedules act); each change is validated first and a rejected one changes nothing.
 */
public final class ParamGroup {

    private final List<Parameter> parameters;
    private final UseGuard guard;
    private volatile Hyperparameters hyperparameters;

    ParamGroup(List<Parameter> parameters, Hyperparameters hyperparameters, UseGuard guard) {
        this.parameters = List.copyOf(parameters);
        this.hyperparameters = hyperparameters;
        this.guard = guard;
    }

    /** Validates and stores a change; throws if the optimizer is stepping in another thread. */
    private void change(Hyperparameters changed) {
        guard.enter("ParamGroup.set");
        try {
            hyperparameters = changed;
        } finally {
            guard.exit();
        }
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    public Hyperparameters hyperparameters() {
        return hyperparameters;
    }

    /** Sets one hyperparameter by its PyTorch name, for example {@code set("lr", 0.01)}. */
    public void set(String name, double value) {
        change(hyperparameters.with(name, value));
    }

    /** Sets one flag by its PyTorch name, for example {@code set("nesterov", true)}. */
    public void set(String name, boolean value) {
        change(hyperparameters.with(name, value));
    }

    /** Sets a choice by its PyTorch name, for example {@code set("line_search_fn", "strong_wolfe")}; null is None. */
    public void set(String name, String value) {
        change(hyperparameters.with(name, value));
    }

    /** Sets one hyperparameter. */
    public void set(Hyperparameter h, double value) {
        change(hyperparameters.with(h, value));
    }

    /** Replaces all hyperparameters; they must be of this optimizer's kind. */
    public void setHyperparameters(Hyperparameters h) {
        if (!h.definitions().equals(hyperparameters.definitions())) {
            throw new IllegalArgumentException("hyperparameters must be of this optimizer's kind "
                    + hyperparameters.definitions() + ", got " + h.definitions());
        }
        change(h);
    }

    /** Replaces the hyperparameters while the optimizer already holds its guard (loading a checkpoint). */
    void replaceWhileGuarded(Hyperparameters h) {
        hyperparameters = h;
    }

    /** Shortcut for the learning rate, {@code get("lr")}. */
    public double lr() {
        return hyperparameters.get("lr");
    }
}
