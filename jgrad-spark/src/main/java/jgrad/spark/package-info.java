/**
 * Data-parallel training of jgrad models on Apache Spark by parameter averaging
 * ({@link jgrad.spark.ParameterAveraging}): W workers train on their own {@link jgrad.spark.Shard}s
 * and every K steps the driver averages their parameters, optimizer state and BatchNorm buffers
 * ({@code treeAggregate}) and broadcasts the mean.
 *
 * <p>From the repository, {@code ./jgrad train --spark local[2]} (or {@code spark://host:port}) runs
 * {@link jgrad.spark.Main}; on a cluster, {@code mvn package} builds {@code jgrad-spark/target/jgrad-spark-app.jar}
 * for spark-submit:
 * <pre>
 * spark-submit --master spark://host:7077 --class jgrad.spark.Main \
 *   --driver-java-options "--add-modules jdk.incubator.vector" \
 *   --conf spark.executor.extraJavaOptions="--add-modules jdk.incubator.vector" \
 *   jgrad-spark-app.jar train --spark spark://host:7077 --workers 4 --model complex
 * </pre>
 *
 * <p>Epoch time, for N samples, batch b per worker, a step of t<sub>s</sub> on one worker, a round's
 * fixed cost t<sub>j</sub> (a Spark job), a state of S bytes and bandwidth B at the driver:
 * <pre>
 *   T(W) = N/(W·b) · (t_s + t_j/K)  +  N/(b·K) · 2·S/B
 * </pre>
 * Compute shrinks with W, but the traffic term does not (a round moves 2·S·W bytes, and there are
 * 1/W as many rounds), so more workers stop paying near W* = K·(t_s + t_j/K)·B / (2·S).
 */
package jgrad.spark;
