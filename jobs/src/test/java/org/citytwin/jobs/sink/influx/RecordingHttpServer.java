package org.citytwin.jobs.sink.influx;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.zip.GZIPInputStream;

/**
 * A real HTTP server on loopback that records every request it receives and answers with the
 * status the test scripts per request number. Stands in for servers not installable here
 * (InfluxDB 2.x), for failing ones and for webhook receivers.
 */
public final class RecordingHttpServer implements AutoCloseable {

    /** One received request: method, path with query, headers (lower-case names) and the gunzipped body. */
    public record Request(String method, String uri, Map<String, String> headers, String body) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger count = new AtomicInteger();

    /** @param status status for the n-th request (0-based) */
    public RecordingHttpServer(IntUnaryOperator status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            InputStream in = new ByteArrayInputStream(raw);
            if ("gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                in = new GZIPInputStream(in);
            }
            Map<String, String> headers = new java.util.TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
            int code = status.applyAsInt(count.getAndIncrement());
            if (code / 100 == 2) {
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers,
                        new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            byte[] answer = code == 204 ? new byte[0] : ("{\"error\":\"scripted " + code + "\"}").getBytes();
            exchange.sendResponseHeaders(code, code == 204 ? -1 : answer.length);
            if (code != 204) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The requests that were answered with a 2xx, in arrival order. */
    public List<Request> accepted() {
        return requests;
    }

    public int received() {
        return count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
