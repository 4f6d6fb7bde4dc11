/**
 * Tensors that record the ops applied to them, and the reverse-mode differentiation of those ops:
 * PyTorch's autograd, on flat row-major float32 arrays.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li>{@link jgrad.autograd.Tensor} is the data (a {@code float[]} and a shape), its gradient
 *       state, and one-line fluent methods ({@code x.relu()}, {@code x.matmul(w)}) that call the ops.</li>
 *   <li>The ops live in families, one file each, every forward with its backward right below it:
 *       {@link jgrad.autograd.Pointwise} (arithmetic with broadcasting, unary functions),
 *       {@link jgrad.autograd.Reductions} (sum, max, variance, log-softmax),
 *       {@link jgrad.autograd.Movement} (reshape, transpose, permute, index_select),
 *       {@link jgrad.autograd.LinearAlgebra} (matmul, the fused linear layer),
 *       {@link jgrad.autograd.Normalization} (batch and layer norm) and
 *       {@link jgrad.autograd.LossOps} (the losses' fused primitives). The arithmetic itself is in
 *       named kernels over {@code float[]} in {@code jgrad.tensor}.</li>
 *   <li>{@link jgrad.autograd.Tape} is how an op records itself ({@code Tape.record}, PyTorch's
 *       {@code Function}) and runs the backward pass: reverse topological order, a check that no
 *       input was changed in place since it was recorded, and reuse of gradient arrays.</li>
 *   <li>A backward writes each input's gradient one way, {@link jgrad.autograd.Tensor#writeGrad}:
 *       it is handed the gradient array and whether to add ({@code +=}) or assign ({@code =}). The
 *       first contribution after {@code zeroGrad} assigns, so no zeros are written or read.</li>
 *   <li>The ops with large outputs (convolution, batch norm, max pooling, linear, matmul) take their
 *       output arrays from {@link jgrad.autograd.Workspace#floats}: inside a training or evaluation
 *       step those are the previous step's arrays, with stale values, so such an op writes every element.</li>
 *   <li>The families record onto {@code Tensor} and {@code Tensor} calls them, so they share this
 *       package: the alternative, families in a package of their own, would make the two packages
 *       depend on each other. {@code nn.Functional} is the public façade over them for layers.</li>
 * </ul>
 *
 * <h2>How to add an op</h2>
 * A unary op is one line in {@link jgrad.autograd.Pointwise}: its function and its gradient
 * contribution g·f'(x), given the incoming gradient g, the input x and the output y:
 * <pre>{@code
 * public static Tensor sin(Tensor x) {
 *     return unary("SinBackward0", x, v -> (float) Math.sin(v), (g, v, y) -> g * (float) Math.cos(v));
 * }
 * }</pre>
 * and one method on {@code Tensor}: {@code public Tensor sin() { return Pointwise.sin(this); }}.
 * Any other op computes its output, then records its backward below it, in the family it belongs to:
 * <pre>{@code
 * float[] out = ...;                                           // the forward, often a kernel call
 * return Tape.record("MyOpBackward0", out, shape, g ->         // g = dL/d(out)
 *         x.writeGrad((dx, add) -> myKernelBackward(g, dx, add)), x);   // dx = or += g·∂out/∂x
 * }</pre>
 * Check it with central finite differences (the tests' {@code GradCheck}) and against PyTorch
 * ({@code tools/golden.py}).
 */
package jgrad.autograd;
