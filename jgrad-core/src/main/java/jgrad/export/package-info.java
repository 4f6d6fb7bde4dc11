/**
 * Export to ONNX, for inference in ONNX Runtime and other ONNX tools:
 * {@link jgrad.export.OnnxExport} writes a network's layers as an ONNX model (IR version 8,
 * opset 17, a symbolic batch dimension), encoded by a small protobuf writer of the official
 * {@code onnx.proto} messages, so the library needs no protobuf runtime.
 *
 * <pre>{@code
 * OnnxExport.write(new Sequential(new Flatten(), new Linear(784, 10)), new int[]{1, 28, 28}, Path.of("model.onnx"));
 * }</pre>
 */
package jgrad.export;
