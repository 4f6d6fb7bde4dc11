package jgrad.train;

import jgrad.data.Task;
import jgrad.loss.Loss;
import jgrad.loss.Losses;
import jgrad.loss.Reduction;

/**
 * The loss each {@link Task} trains with, as PyTorch's modules compute it, each the mean over the
 * batch's values:
 * <pre>
 *   CLASSIFY  CrossEntropyLoss    logits [B, K], class indices [B]
 *   BINARY    BCEWithLogitsLoss   logits [B, 1], 0/1 targets [B] (viewed as [B, 1])
 *   REGRESS   MSELoss             outputs [B, T], targets [B] or [B, T] (viewed as the outputs' shape)
 * </pre>
 * Viewing the targets as the outputs' shape is what PyTorch users write ({@code y.view(-1, 1)});
 * a count that differs is still an error naming both shapes.
 */
public final class TaskLoss {
    private TaskLoss() {}

    /** The loss for {@code task}, reduced by {@code reduction}. */
    public static Loss of(Task task, Reduction reduction) {
        return switch (task) {
            case CLASSIFY -> (input, target) -> Losses.crossEntropy(input, target, reduction);
            case BINARY -> (input, target) -> Losses.binaryCrossEntropyWithLogits(input, asShapeOf(target, input), reduction);
            case REGRESS -> (input, target) -> Losses.mse(input, asShapeOf(target, input), reduction);
        };
    }

    /** The loss for {@code task}, the mean over the batch. */
    public static Loss of(Task task) {
        return of(task, Reduction.MEAN);
    }

    private static jgrad.autograd.Tensor asShapeOf(jgrad.autograd.Tensor target, jgrad.autograd.Tensor input) {
        if (target.numel() != input.numel())
            throw new IllegalArgumentException("the targets " + jgrad.tensor.Shapes.str(target.shape()) + " do not match the outputs "
                    + jgrad.tensor.Shapes.str(input.shape()));
        return target.view(input.shape());
    }
}
