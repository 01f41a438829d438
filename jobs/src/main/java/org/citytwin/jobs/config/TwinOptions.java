package org.citytwin.jobs.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Every option of the twin engine, in one place. The reference in docs/configuration.md is
 * checked against this class by a test, so an option cannot go undocumented.
 */
public final class TwinOptions {

    private TwinOptions() {}

    public static final ConfigOption<String> CITY = ConfigOptions.key("city")
            .stringType().defaultValue("shanghai")
            .withDescription("City whose topology, asset types and catalog are loaded (shipped: shanghai).");

    public static final ConfigOption<String> CITY_DIR = ConfigOptions.key("city.dir")
            .stringType().noDefaultValue()
            .withDescription("Directory holding a city's data files; overrides the shipped city.");

    public static final ConfigOption<String> RUN = ConfigOptions.key("run")
            .stringType().defaultValue("live")
            .withDescription("Value of the `run` tag: `live`, or a drill id for replays.");

    public static final ConfigOption<String> FEED_BOOTSTRAP_SERVERS = ConfigOptions.key("feed.kafka.bootstrap-servers")
            .stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers of the city feed.");

    public static final ConfigOption<String> FEED_TOPIC = ConfigOptions.key("feed.kafka.topic")
            .stringType().defaultValue("city-feed")
            .withDescription("Kafka topic of the city feed (JSON events, docs/event-format.md).");

    public static final ConfigOption<String> FEED_GROUP_ID = ConfigOptions.key("feed.kafka.group-id")
            .stringType().defaultValue("twin-engine")
            .withDescription("Kafka consumer group id of the feed source.");

    public static final ConfigOption<String> FEED_STARTING_OFFSETS = ConfigOptions.key("feed.kafka.starting-offsets")
            .stringType().defaultValue("committed")
            .withDescription("Where a job without a checkpoint starts reading: `earliest`, `latest` or `committed` "
                    + "(committed offsets of the group, else earliest).");

    public static final ConfigOption<Boolean> FEED_BOUNDED = ConfigOptions.key("feed.kafka.bounded")
            .booleanType().defaultValue(false)
            .withDescription("Stop at the offsets that are the latest when the job starts, then end: a run over what "
                    + "the topic holds, with every window written and every asset's silence applied at the end.");

    public static final ConfigOption<Duration> FEED_MAX_FUTURE_SKEW = ConfigOptions.key("feed.max-future-skew")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("Records whose event time is further than this ahead of the engine's wall clock are "
                    + "dead-lettered FUTURE (one would otherwise move its partition's watermark and make every later "
                    + "record LATE).");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS = ConfigOptions.key("watermark.max-out-of-orderness")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("Bounded out-of-orderness of the feed's event times.");

    public static final ConfigOption<Duration> SOURCE_IDLENESS = ConfigOptions.key("watermark.idleness")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("A feed partition silent this long stops holding back the watermark.");

    public static final ConfigOption<Duration> ALLOWED_LATENESS = ConfigOptions.key("lateness.allowed")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("Events this far behind the watermark still correct their window (re-emitted with the "
                    + "same timestamp); later ones are dead-lettered as LATE.");

    public static final ConfigOption<Duration> RETIRED_AFTER = ConfigOptions.key("twin.retired-after")
            .durationType().defaultValue(Duration.ofDays(30))
            .withDescription("An asset's twin that receives nothing for this long (processing time) is dropped "
                    + "from state (state TTL), so retired assets do not grow it forever.");

    public static final ConfigOption<String> REGISTRY_FILE = ConfigOptions.key("registry.file")
            .stringType().noDefaultValue()
            .withDescription("Asset registry as JSON lines (optionally .gz).");

    public static final ConfigOption<String> REGISTRY_TOPIC = ConfigOptions.key("registry.kafka.topic")
            .stringType().noDefaultValue()
            .withDescription("Compacted Kafka topic of asset registrations (key: asset id); new assets join live.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("dead-letters.kafka.topic")
            .stringType().defaultValue("city-feed-dead-letters")
            .withDescription("Kafka topic receiving every rejected record with its reason and source position.");

    public static final ConfigOption<String> DEAD_LETTER_DIR = ConfigOptions.key("dead-letters.dir")
            .stringType().noDefaultValue()
            .withDescription("Directory for dead letters as JSON-lines files instead of a topic (embedded mode).");

    public static final ConfigOption<String> ARCHIVE_DIR = ConfigOptions.key("archive.dir")
            .stringType().noDefaultValue()
            .withDescription("Feed archive: every accepted record as gzip JSON lines in a directory per hour and Kafka partition "
                    + "(DIR/yyyy-MM-dd/HH/partition-N/), committed on checkpoints, for `twin replay --source archive` "
                    + "(docs/replay.md). A path or a URI of a Flink file system. Unset: no archive.");

    public static final ConfigOption<String> INFLUXDB_URL = ConfigOptions.key("influxdb.url")
            .stringType().noDefaultValue()
            .withDescription("InfluxDB base URL, e.g. http://influxdb:8086.");

    public static final ConfigOption<String> INFLUXDB_API = ConfigOptions.key("influxdb.api")
            .stringType().defaultValue("v1")
            .withDescription("`v1` writes to /write (database, retention policy, user); `v2` to /api/v2/write "
                    + "(org, bucket, token), for InfluxDB 2.x and 3.x.");

    public static final ConfigOption<String> INFLUXDB_DATABASE = ConfigOptions.key("influxdb.database")
            .stringType().defaultValue("twin")
            .withDescription("v1: database.");

    public static final ConfigOption<String> INFLUXDB_RETENTION_POLICY = ConfigOptions.key("influxdb.retention-policy")
            .stringType().noDefaultValue()
            .withDescription("v1: retention policy (the database's default when unset).");

    public static final ConfigOption<String> INFLUXDB_USER = ConfigOptions.key("influxdb.user")
            .stringType().noDefaultValue()
            .withDescription("v1: user name.");

    public static final ConfigOption<String> INFLUXDB_PASSWORD_ENV = ConfigOptions.key("influxdb.password.env")
            .stringType().defaultValue("INFLUXDB_PASSWORD")
            .withDescription("v1: environment variable holding the password.");

    public static final ConfigOption<String> INFLUXDB_PASSWORD_FILE = ConfigOptions.key("influxdb.password.file")
            .stringType().noDefaultValue()
            .withDescription("v1: file holding the password (wins over the environment variable).");

    public static final ConfigOption<String> INFLUXDB_ORG = ConfigOptions.key("influxdb.org")
            .stringType().noDefaultValue()
            .withDescription("v2: organization.");

    public static final ConfigOption<String> INFLUXDB_BUCKET = ConfigOptions.key("influxdb.bucket")
            .stringType().defaultValue("twin")
            .withDescription("v2: bucket.");

    public static final ConfigOption<String> INFLUXDB_TOKEN_ENV = ConfigOptions.key("influxdb.token.env")
            .stringType().defaultValue("INFLUXDB_TOKEN")
            .withDescription("v2: environment variable holding the API token.");

    public static final ConfigOption<String> INFLUXDB_TOKEN_FILE = ConfigOptions.key("influxdb.token.file")
            .stringType().noDefaultValue()
            .withDescription("v2: file holding the API token (wins over the environment variable).");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("parallelism")
            .intType().defaultValue(2)
            .withDescription("Parallelism of the engine's operators.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("checkpoint.interval")
            .durationType().defaultValue(Duration.ofSeconds(30))
            .withDescription("Interval of exactly-once checkpoints (RocksDB, incremental).");

    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("checkpoint.dir")
            .stringType().noDefaultValue()
            .withDescription("Checkpoint storage URI, e.g. file:///var/lib/twin/checkpoints or s3://bucket/twin. "
                    + "Unset: the directory twin-checkpoints under the working directory (printed at start); on a "
                    + "cluster of several machines, set shared storage.");

    public static final ConfigOption<String> RESTORE_FROM = ConfigOptions.key("execution.savepoint.path")
            .stringType().noDefaultValue()
            .withDescription("A savepoint, or a checkpoint the engine kept (the `chk-N` directory under `checkpoint.dir` "
                    + "and the job id `twin run` prints), to start from: twins, areas, alerts and feed positions, as "
                    + "`flink run -s` does. A job's checkpoints are kept when it is cancelled or stopped (Ctrl-C), so "
                    + "a local run resumes from its last one.");

    public static final ConfigOption<String> REST_BIND_ADDRESS = ConfigOptions.key("rest.bind-address")
            .stringType().defaultValue("127.0.0.1")
            .withDescription("Local runs: address the Flink web UI and REST API bind to (printed at start), and the "
                    + "local JobManager's and TaskManagers' other servers. "
                    + "On a cluster, the cluster's own setting applies.");

    public static final ConfigOption<Integer> REST_PORT = ConfigOptions.key("rest.port")
            .intType().defaultValue(0)
            .withDescription("Local runs: port of the Flink web UI and REST API; 0 takes a free one (printed at start).");

    public static final ConfigOption<Boolean> ALERTS_ENABLED = ConfigOptions.key("alerts.enabled")
            .booleanType().defaultValue(true)
            .withDescription("Evaluate the catalog's alert thresholds and write each transition to the `alert` measurement.");

    public static final ConfigOption<String> ALERTS_RECEIVERS_FILE = ConfigOptions.key("alerts.receivers.file")
            .stringType().noDefaultValue()
            .withDescription("YAML file of notification receivers (webhooks, Alertmanagers) and the runs each serves; "
                    + "see docs/alerts.md. Unset: no notifications.");

    public static final ConfigOption<Integer> ALERTS_FLAP_MAX_CHANGES = ConfigOptions.key("alerts.flapping.max-changes")
            .intType().defaultValue(4)
            .withDescription("More FIRING/RESOLVED changes than this within the flapping window hold an alert firing, marked flapping.");

    public static final ConfigOption<Duration> ALERTS_FLAP_WINDOW = ConfigOptions.key("alerts.flapping.window")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("Event-time window in which an alert's changes are counted for flapping.");

    public static final ConfigOption<Duration> ALERTS_FEED_STOPPED_AFTER = ConfigOptions.key("alerts.feed-stopped-after")
            .durationType().defaultValue(Duration.ofMinutes(5))
            .withDescription("Wall-clock time the engine's watermark may stand still while the job runs before the run's "
                    + "one `feed_stopped` alert fires; it resolves when the watermark advances.");

    public static final ConfigOption<String> ALERTS_DASHBOARD_URL = ConfigOptions.key("alerts.dashboard-url")
            .stringType().defaultValue("http://localhost:3000/d/ct-{category}?var-area={area}&var-run={run}")
            .withDescription("Link in each notification (`dashboard` annotation, `generatorURL`); "
                    + "{indicator}, {category}, {area} and {run} are replaced.");

    public static final ConfigOption<String> ALERTS_EXTERNAL_URL = ConfigOptions.key("alerts.external-url")
            .stringType().defaultValue("http://localhost:3000")
            .withDescription("`externalURL` of webhook payloads: where people look at the alerts.");

    /** Every option declared above, in declaration order. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : TwinOptions.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return options;
    }
}
