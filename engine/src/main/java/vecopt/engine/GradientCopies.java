package vecopt.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The copies of gradients that LBFGS's line search keeps (its starting gradient and the bracket's
 * ends), where PyTorch clones a tensor: a few reusable vectors, allocated once each and written only
 * when handed out as a copy, so a copy never lands on a vector still in use.
 */
final class GradientCopies {

    private final FlatVector like;
    private final List<FlatVector> vectors = new ArrayList<>();

    /** Copies shaped like {@code like}. */
    GradientCopies(FlatVector like) {
        this.like = like;
    }

    /**
     * A vector holding the values of {@code source}, none of {@code inUse}: a free one of the pool (or
     * {@code source} itself when it is a free one), a new one if every one is in use.
     */
    FlatVector copy(FlatVector source, FlatVector... inUse) {
        if (vectors.contains(source) && !contains(inUse, source)) {
            return source;
        }
        FlatVector target = null;
        for (FlatVector v : vectors) {
            if (!contains(inUse, v)) {
                target = v;
                break;
            }
        }
        if (target == null) {
            target = FlatVector.zerosLike(like);
            vectors.add(target);
        }
        target.copyFrom(source);
        return target;
    }

    /** The most copies a search holds at once: two ends of a bracket (or its start and last point) and a new one. */
    static final int MOST_IN_USE = 3;

    /** Allocates {@code count} vectors now, so that a step cannot run out of memory midway. */
    void reserve(int count) {
        while (vectors.size() < count) {
            vectors.add(FlatVector.zerosLike(like));
        }
    }

    private static boolean contains(FlatVector[] vectors, FlatVector v) {
        for (FlatVector u : vectors) {
            if (u == v) {
                return true;
            }
        }
        return false;
    }
}
