package jgrad.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The Spark session jgrad's commands run in. */
final class Sessions {
    private Sessions() {}

    /**
     * A session on {@code master} ({@code local[N]} or {@code spark://host:port}); other settings given as
     * {@code spark.*} system properties (as spark-submit and {@code ./jgrad} pass them) take
     * precedence. The web UI is off unless asked for: a training run needs no port of its own.
     */
    static SparkSession start(String master, String app) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName(app)
                .setIfMissing("spark.ui.enabled", "false");
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
