package jgrad.spark;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import jgrad.app.Preset;
import jgrad.data.ImageDataset;
import jgrad.train.Trainer;

/**
 * A real standalone cluster on 127.0.0.1: a master and two workers, each its own JVM started from
 * Spark's jars, each worker launching its own executor JVM. The same job trains there as on
 * {@code local[2]} and must give the same bits. Every process is stopped and checked gone afterwards.
 */
class StandaloneClusterTest {
    private static final String CLASS_PATH = System.getProperty("java.class.path");
    private static final String JVM_FLAGS = "--add-modules jdk.incubator.vector --sun-misc-unsafe-memory-access=allow";

    private static Map<String, float[]> train(SparkSession spark, ImageDataset data, TrainingSpec spec) {
        JavaRDD<Shard> shards = Shards.fromDataset(JavaSparkContext.fromSparkContext(spark.sparkContext()), data, 2);
        return ModelState.capture(ParameterAveraging.fit(shards, spec, Trainer.Listener.NONE).model(), null);
    }

    @Test
    void trainsOnAMasterAndTwoWorkersAsOnLocal(@TempDir Path tmp) throws Exception {
        ImageDataset data = TestData.images(2000, 4);
        // 1000 samples a worker, batch 32: 32 steps, 4 rounds of 8
        TrainingSpec spec = new TrainingSpec(Preset.SIMPLE::model, "sgd", 0.02f, 0f, 0.9f, 32, 1, 3, 1, 8);
        SparkSession local = TestData.local();
        Map<String, float[]> expected;
        try {
            expected = train(local, data, spec);
        } finally {
            local.stop();
        }

        // the workers' executor command wants a Spark home with a jars directory; the class path brings the jars
        Path home = Files.createDirectories(tmp.resolve("spark-home/jars"));
        List<Process> started = new ArrayList<>();
        List<ProcessHandle> all = new ArrayList<>();
        try {
            int port = freePort();
            String url = "spark://127.0.0.1:" + port;
            started.add(start(tmp, home.getParent(), "master", "org.apache.spark.deploy.master.Master",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", "0"));
            awaitPort(port, started.getFirst(), tmp.resolve("master.log"));
            for (int i = 1; i <= 2; i++)
                started.add(start(tmp, home.getParent(), "worker" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", "1", "--memory", "1g", "--webui-port", "0", "--work-dir", tmp.resolve("work" + i).toString(), url));
            SparkSession cluster = SparkSession.builder().master(url).appName("jgrad-spark cluster test")
                    .config("spark.ui.enabled", "false")
                    .config("spark.executor.extraClassPath", CLASS_PATH)
                    .config("spark.executor.extraJavaOptions", JVM_FLAGS)
                    .config("spark.executor.memory", "1g")
                    .config("spark.cores.max", "2")
                    .getOrCreate();
            try {
                JavaSparkContext sc = JavaSparkContext.fromSparkContext(cluster.sparkContext());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                // the driver counts itself among the executors
                while (sc.statusTracker().getExecutorInfos().length < 3) {
                    assertTrue(System.nanoTime() < deadline, "two executors did not register; see the logs in " + tmp);
                    Thread.sleep(200);
                }
                for (Process p : started) p.descendants().forEach(all::add);
                Map<String, float[]> actual = train(cluster, data, spec);
                for (var key : expected.keySet()) assertArrayEquals(expected.get(key), actual.get(key), key);
                List<Long> pids = sc.parallelize(List.of(0, 1), 2).map(i -> ProcessHandle.current().pid()).collect();
                assertEquals(2, pids.stream().distinct().count(), "tasks ran in two executor processes: " + pids);
                assertFalse(pids.contains(ProcessHandle.current().pid()));
            } finally {
                cluster.stop();
            }
        } finally {
            for (Process p : started) {
                p.descendants().forEach(all::add);
                all.add(p.toHandle());
            }
            for (ProcessHandle h : all) h.destroy();
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    h.destroyForcibly();
                    h.onExit().get(10, TimeUnit.SECONDS);
                }
            }
        }
        assertTrue(all.size() >= 5, "master, two workers and their two executors, got " + all.size());
        for (ProcessHandle h : all) assertFalse(h.isAlive(), "process " + h.pid() + " is still running");
    }

    private static Process start(Path tmp, Path sparkHome, String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(JVM_FLAGS.split(" ")));
        // the master and workers only coordinate: the quick compiler alone starts them sooner
        cmd.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", CLASS_PATH, mainClass));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port, Process master, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            assertTrue(master.isAlive(), () -> "the master exited: " + read(log));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                assertTrue(System.nanoTime() < deadline, () -> "the master did not listen on " + port + ": " + read(log));
                Thread.sleep(200);
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
