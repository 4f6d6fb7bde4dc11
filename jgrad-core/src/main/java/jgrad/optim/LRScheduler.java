package jgrad.optim;

/**
 * Changes an optimizer's learning rate once per {@link #step()} (usually per epoch), like
 * {@code torch.optim.lr_scheduler}: the rate after {@code e} steps is {@link #lrAt}(e), a closed form
 * of the base rate the optimizer had when the scheduler was made.
 */
public abstract class LRScheduler {
    protected final Optimizer optimizer;
    protected float baseLr;
    private int epoch;

    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = optimizer;
        this.baseLr = optimizer.lr();
    }

    /** Advances one epoch and sets the optimizer's learning rate. */
    public void step() {
        epoch++;
        optimizer.setLr(lrAt(epoch));
    }

    public int epoch() {
        return epoch;
    }

    /** The scheduler's position, PyTorch's {@code last_epoch} and {@code base_lrs}, to save beside the optimizer's state. */
    public java.util.Map<String, Float> stateDict() {
        return java.util.Map.of("last_epoch", (float) epoch, "base_lr", baseLr);
    }

    /** Resumes from {@link #stateDict()}: the same rates follow as if training had not stopped. */
    public void loadStateDict(java.util.Map<String, Float> state) {
        Float e = state.get("last_epoch"), b = state.get("base_lr");
        if (e == null || b == null || e < 0 || e != Math.rint(e))
            throw new IllegalArgumentException("scheduler state needs last_epoch (a whole number ≥ 0) and base_lr, got " + state);
        epoch = e.intValue();
        baseLr = b;
    }

    /** The learning rate after {@code epoch} scheduler steps. */
    protected abstract float lrAt(int epoch);
}
