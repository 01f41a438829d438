package org.citytwin.jobs.replay;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.citytwin.jobs.engine.source.FeedDeserializer;
import org.citytwin.jobs.engine.source.FeedRecord;

/**
 * The feed's own {@link FeedDeserializer}, keeping only the replayed period and pacing it: an
 * accepted record passes when its event time is in the range; a rejected one (it has no event
 * time) when its Kafka timestamp is, or when it has none (an archive line). With a scenario, its
 * records join the feed here, in event-time order ({@link ScenarioFeed}).
 */
public final class ReplayDeserializer implements KafkaRecordDeserializationSchema<FeedRecord> {

    private static final long serialVersionUID = 1L;

    private final FeedDeserializer feed;
    private final ReplayRange range;
    private final Pacer pacer;
    private final ScenarioFeed scenario;

    public ReplayDeserializer(FeedDeserializer feed, ReplayRange range, Pacer pacer) {
        this(feed, range, pacer, null);
    }

    /** @param scenario the overlay merged into the feed, or null */
    public ReplayDeserializer(FeedDeserializer feed, ReplayRange range, Pacer pacer, ScenarioFeed scenario) {
        this.feed = feed;
        this.range = range;
        this.pacer = pacer;
        this.scenario = scenario;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) throws Exception {
        feed.open(context);
        if (scenario != null) {
            scenario.open();
        }
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FeedRecord> out) {
        feed.deserialize(record, new Collector<>() {
            @Override
            public void collect(FeedRecord parsed) {
                if (parsed.accepted() && scenario != null) {
                    scenario.upTo(record.partition(), parsed.event().time(),
                            overlay -> feed.deserialize(overlay, inPeriod(overlay, out)));
                }
                inPeriod(record, out).collect(parsed);
            }

            @Override
            public void close() {}
        });
    }

    /** Passes on the parsed {@code record} when it belongs to the period, paced. */
    private Collector<FeedRecord> inPeriod(ConsumerRecord<byte[], byte[]> record, Collector<FeedRecord> out) {
        return new Collector<>() {
            @Override
            public void collect(FeedRecord parsed) {
                if (parsed.accepted()) {
                    if (range.contains(parsed.event().time())) {
                        pacer.await(parsed.event().time());
                        out.collect(parsed);
                    }
                } else if (record.timestamp() < 0 || range.contains(record.timestamp())) {
                    out.collect(parsed);
                }
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public TypeInformation<FeedRecord> getProducedType() {
        return feed.getProducedType();
    }
}
