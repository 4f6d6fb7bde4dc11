package jgrad.optim;

/** {@code lr = baseLr · γ^⌊epoch / stepSize⌋}: decays by γ every {@code stepSize} epochs, like PyTorch's StepLR. */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final float gamma;

    public StepLR(Optimizer optimizer, int stepSize, float gamma) {
        super(optimizer);
        if (stepSize < 1) throw new IllegalArgumentException("StepLR: step_size must be at least 1, got " + stepSize);
        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    @Override
    protected float lrAt(int epoch) {
        return baseLr * (float) Math.pow(gamma, epoch / stepSize);
    }
}
