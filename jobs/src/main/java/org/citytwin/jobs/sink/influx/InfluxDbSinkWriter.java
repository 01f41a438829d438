package org.citytwin.jobs.sink.influx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox.MailboxClosedException;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.citytwin.jobs.engine.metrics.EngineSample;
import org.citytwin.jobs.engine.metrics.EngineSampler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each batch as one gzip line-protocol request. 2xx completes the batch; 429, 5xx and
 * transport errors retry the whole batch after an exponential backoff (points are idempotent,
 * so a retry that partly landed before is harmless); any other status fails the job, since it
 * means a wrong endpoint, database, credentials or encoding that retrying cannot fix, and it
 * stops the job without restarts ({@link SuppressRestartsException}). Retried requests are counted
 * since the run began (in the writer's state) and, when the sink has an engine sample writer,
 * sampled to the {@code engine} measurement.
 */
final class InfluxDbSinkWriter<T> extends AsyncSinkWriter<T, String> {

    private static final Logger LOG = LoggerFactory.getLogger(InfluxDbSinkWriter.class);
    private static final long FIRST_BACKOFF_MS = 100;

    private final InfluxDbEndpoint endpoint;
    private final long maxBackoffMs;
    private final HttpClient http;
    private final Counter pointsWritten;
    private final Counter writeRetries;
    private final AtomicLong writeRetriesTotal = new AtomicLong();
    private final EngineSampler sampler;
    private volatile int consecutiveFailures;

    InfluxDbSinkWriter(ElementConverter<T, String> converter, WriterInitContext context, InfluxDbSink<T> sink,
            Collection<BufferedRequestState<String>> state) {
        super(converter, context, AsyncSinkWriterConfiguration.builder()
                .setMaxBatchSize(sink.maxBatchSize())
                .setMaxBatchSizeInBytes(sink.maxBatchSizeInBytes())
                .setMaxInFlightRequests(sink.maxInFlightRequests())
                .setMaxBufferedRequests(sink.maxBufferedRequests())
                .setMaxTimeInBufferMS(sink.maxTimeInBufferMs())
                .setMaxRecordSizeInBytes(sink.maxRecordSizeInBytes())
                .build(), state);
        this.endpoint = sink.endpoint();
        this.maxBackoffMs = sink.maxBackoff().toMillis();
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.pointsWritten = context.metricGroup().counter("influxPointsWritten");
        this.writeRetries = context.metricGroup().counter("influxWriteRetries");
        state.forEach(s -> writeRetriesTotal.addAndGet(InfluxDbWriterState.writeRetries(s)));
        if (sink.engineSamples() == null) {
            this.sampler = null;
        } else {
            int subtask = context.getTaskInfo().getIndexOfThisSubtask();
            String operator = sink.operator();
            String run = sink.run();
            this.sampler = new EngineSampler(operator + " " + subtask, now -> List.of(new EngineSample(
                    "influx_write_retries", "", operator, subtask, run, now, writeRetriesTotal.get())),
                    sink.engineSamples());
            sampler.start();
        }
    }

    @Override
    public List<BufferedRequestState<String>> snapshotState(long checkpointId) {
        List<BufferedRequestState<String>> buffered = super.snapshotState(checkpointId);
        List<BufferedRequestState<String>> states = new ArrayList<>(buffered.size());
        if (buffered.isEmpty()) {
            states.add(new InfluxDbWriterState(List.of(), writeRetriesTotal.get()));
        }
        for (int k = 0; k < buffered.size(); k++) {
            states.add(new InfluxDbWriterState(buffered.get(k).getBufferedRequestEntries(),
                    k == 0 ? writeRetriesTotal.get() : 0));
        }
        return states;
    }

    @Override
    public void close() {
        super.close();
        if (sampler != null) {
            try {
                sampler.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    protected void submitRequestEntries(List<String> lines, ResultHandler<String> result) {
        HttpRequest request = endpoint.request(endpoint.writeUri())
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/plain; charset=utf-8")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(lines)))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                consecutiveFailures = 0;
                pointsWritten.inc(lines.size());
                result.complete();
            } else if (error != null || retryable(response.statusCode())) {
                String why = error != null ? error.toString() : "HTTP " + response.statusCode() + " " + response.body();
                retryLater(lines, result, why);
            } else {
                // Retrying or restarting the job cannot fix a wrong endpoint, database or credentials:
                // stop the job at once instead of restarting it forever.
                result.completeExceptionally(new SuppressRestartsException(new IOException("InfluxDB rejected a batch of "
                        + lines.size() + " points at " + endpoint + ": HTTP " + response.statusCode() + " "
                        + response.body())));
            }
        });
    }

    private void retryLater(List<String> lines, ResultHandler<String> result, String why) {
        int failures = ++consecutiveFailures;
        long backoff = Math.min(maxBackoffMs, FIRST_BACKOFF_MS << Math.min(failures - 1, 20));
        writeRetries.inc();
        writeRetriesTotal.incrementAndGet();
        LOG.warn("InfluxDB write of {} points failed ({}); retry {} in {} ms", lines.size(), why, failures, backoff);
        CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(() -> {
            try {
                result.retryForEntries(lines);
            } catch (MailboxClosedException e) {
                // The task ended (cancelled, failed over) before the retry: the batch comes again from the checkpoint.
                LOG.debug("InfluxDB write retry dropped: the task has ended", e);
            }
        });
    }

    static boolean retryable(int status) {
        return status == 429 || status == 408 || status / 100 == 5;
    }

    static byte[] gzip(List<String> lines) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            for (String line : lines) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    protected long getSizeInBytes(String line) {
        return line.length();
    }
}
