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
    private volatile GradientClipping gradientClipping = GradientClipping.none();

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

    /** {@return the group's parameters} */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** {@return the group's current hyperparameters} */
    public Hyperparameters hyperparameters() {
        return hyperparameters;
    }

    /**
     * Sets one hyperparameter by its PyTorch name, for example {@code set("lr", 0.01)}.
     *
     * @param name the PyTorch name
     * @param value the new value, validated
     */
    public void set(String name, double value) {
        change(hyperparameters.with(name, value));
    }

    /**
     * Sets one flag by its PyTorch name, for example {@code set("nesterov", true)}.
     *
     * @param name the PyTorch name
     * @param value the new value
     */
    public void set(String name, boolean value) {
        change(hyperparameters.with(name, value));
    }

    /**
     * Sets a choice by its PyTorch name, for example {@code set("line_search_fn", "strong_wolfe")}; null is None.
     *
     * @param name the hyperparameter's name
     * @param value the choice's name, or null for None
     */
    public void set(String name, String value) {
        change(hyperparameters.with(name, value));
    }

    /**
     * Sets one hyperparameter.
     *
     * @param h the hyperparameter
     * @param value the new value, validated
     */
    public void set(Hyperparameter h, double value) {
        change(hyperparameters.with(h, value));
    }

    /**
     * Replaces all hyperparameters; they must be of this optimizer's kind.
     *
     * @param h the new hyperparameters
     */
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

    /**
     * Clips this group's gradients from the next step on, besides the optimizer's clipping (see
     * {@link GradientClipping} for how the scopes combine): by the norm of this group's gradients
     * together, by each parameter's own norm, by value, or not ({@link GradientClipping#none()}, the default).
     *
     * @param clipping the group's clipping, not null
     * @throws IllegalArgumentException if {@code clipping} is null; nothing changes then
     */
    public void setGradientClipping(GradientClipping clipping) {
        if (clipping == null) {
            throw new IllegalArgumentException("clipping must not be null; GradientClipping.none() turns it off");
        }
        guard.enter("ParamGroup.setGradientClipping");
        try {
            gradientClipping = clipping;
        } finally {
            guard.exit();
        }
    }

    /** {@return how this group's gradients are clipped besides the optimizer's clipping} */
    public GradientClipping gradientClipping() {
        return gradientClipping;
    }

    /** Sets the clipping while the optimizer already holds its guard (loading a checkpoint). */
    void replaceClippingWhileGuarded(GradientClipping clipping) {
        gradientClipping = clipping;
    }

    /** {@return the learning rate, a shortcut for {@code get("lr")}} */
    public double lr() {
        return hyperparameters.get("lr");
    }
}
