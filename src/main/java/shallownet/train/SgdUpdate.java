package shallownet.train;

import shallownet.net.NetworkShape;

/**
 * Applies one step's gradient to the parameters, on the driver. With the notebook's recipe this
 * is exactly {@code update_shallow}: {@code W -= (gamma / B) * sum of gradients}. With momentum it
 * keeps a velocity {@code v = mu v + g} (g the mean gradient, plus {@code lambda W} with weight
 * decay) and steps {@code W -= lr v} (classical) or {@code W -= lr (g + mu v)} (Nesterov).
 */
public final class SgdUpdate {

    private final TrainingConfig.Optimizer opt;
    private final NetworkShape shape;
    private final float[] velocity;

    public SgdUpdate(TrainingConfig.Optimizer opt, NetworkShape shape) {
        this.opt = opt;
        this.shape = shape;
        this.velocity = opt.momentum() > 0 ? new float[shape.parameterCount()] : null;
    }

    /** The velocity (null for plain SGD): optimiser state a checkpoint would keep. */
    public float[] velocity() {
        return velocity;
    }

    /** Sets the velocity from a checkpoint (null: none kept, as for plain SGD). */
    public void restoreVelocity(float[] saved) {
        if (velocity == null && saved == null) {
            return;
        }
        if (velocity == null || saved == null || saved.length != velocity.length) {
            throw new IllegalArgumentException("checkpoint velocity does not fit the optimiser: "
                    + (saved == null ? "none" : saved.length + " values") + " for "
                    + (velocity == null ? "no momentum" : velocity.length + " parameters"));
        }
        System.arraycopy(saved, 0, velocity, 0, saved.length);
    }

    public void apply(float[] params, float[] gradientSum, int samples, double learningRate) {
        if (opt.isPlain()) {
            float scale = (float) (learningRate / samples);
            for (int i = 0; i < params.length; i++) {
                params[i] -= scale * gradientSum[i];
            }
            return;
        }
        float mean = (float) (1.0 / samples);
        float lr = (float) learningRate;
        float mu = (float) opt.momentum();
        float lambda = (float) opt.weightDecay();
        int b1 = shape.b1Offset();
        int w2 = shape.w2Offset();
        int b2 = shape.b2Offset();
        for (int i = 0; i < params.length; i++) {
            boolean weight = i < b1 || (i >= w2 && i < b2);
            float g = mean * gradientSum[i] + (weight ? lambda * params[i] : 0f);
            if (velocity == null) {
                params[i] -= lr * g;
            } else {
                float v = mu * velocity[i] + g;
                velocity[i] = v;
                params[i] -= opt.nesterov() ? lr * (g + mu * v) : lr * v;
            }
        }
    }
}
