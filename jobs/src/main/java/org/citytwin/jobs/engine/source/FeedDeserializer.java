package org.citytwin.jobs.engine.source;

import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.event.EventParser;
import org.citytwin.model.event.ParseResult;

/**
 * Parses each feed record as it is read, so event times are known at the source (per-partition
 * watermarks). Never fails: a record that does not parse becomes a rejected {@link FeedRecord}.
 */
public final class FeedDeserializer implements KafkaRecordDeserializationSchema<FeedRecord> {

    private static final long serialVersionUID = 1L;
    private static final byte[] EMPTY = new byte[0];

    private final AssetTypes types;
    private final RegistryRef registry;
    private final Duration maxFutureSkew;
    private transient EventParser parser;

    public FeedDeserializer(AssetTypes types, RegistryRef registry, Duration maxFutureSkew) {
        this.types = types;
        this.registry = registry;
        this.maxFutureSkew = maxFutureSkew;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        parser = new EventParser(types, registry.resolve(), EventParser.DEFAULT_MAX_BYTES, EventParser.DEFAULT_MIN_TIME,
                EventParser.DEFAULT_MAX_TIME, maxFutureSkew, Clock.systemUTC());
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FeedRecord> out) {
        byte[] payload = record.value() == null ? EMPTY : record.value();
        out.collect(toFeedRecord(parser.parse(payload), payload, record.topic(), record.partition(), record.offset()));
    }

    static FeedRecord toFeedRecord(ParseResult result, byte[] payload, String topic, int partition, long offset) {
        return new FeedRecord(result.event(), result.rejection(), payload, topic, partition, offset);
    }

    @Override
    public TypeInformation<FeedRecord> getProducedType() {
        return FeedRecordSerializer.TYPE;
    }
}
