package org.citytwin.model.sim;

import org.citytwin.model.asset.Asset;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetType;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.asset.AttributeDef;
import org.citytwin.model.asset.EventKindDef;
import org.citytwin.model.asset.MetricDef;
import org.citytwin.model.asset.MetricKind;
import org.citytwin.model.asset.Simulation;
import org.citytwin.model.topology.Area;
import org.citytwin.model.topology.CityTopology;

import java.math.BigDecimal;
import org.citytwin.model.asset.FixedPoint;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * A seeded, deterministic city feed: generates the asset registry (density per street × scale) and
 * a time-ordered stream of readings and events following each metric's daily/weekly profile, a
 * rainstorm that moves rainfall, river levels, waterlogging, traffic and emergency calls together,
 * devices going offline, and a share of deliberately bad records, each labelled with its
 * {@link RecordClass}. Same seed and options → byte-identical output.
 */
public final class CitySimulator implements Iterable<SimRecord> {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final RecordClass[] BAD = {RecordClass.MALFORMED, RecordClass.UNKNOWN_ASSET,
            RecordClass.UNKNOWN_METRIC, RecordClass.NON_FINITE, RecordClass.DUPLICATE, RecordClass.LATE};

    /** Simulation options; build with {@link #options()}. */
    public static final class Options {
        long seed = 1;
        double scale = 1.0;
        double badShare = 0.0;
        long start = Instant.parse("2025-07-01T00:00:00Z").toEpochMilli();
        long durationMs = 3_600_000L;
        double offlineShare = 0.02;
        long lateByMs = 10 * 60_000L;
        Long stormStart;
        long stormDurationMs = 2 * 3_600_000L;

        public Options seed(long v) { seed = v; return this; }
        public Options scale(double v) { scale = v; return this; }
        /** Share (0..1) of records replaced by a bad record of a random bad class. */
        public Options badShare(double v) { badShare = v; return this; }
        public Options start(long epochMs) { start = epochMs; return this; }
        public Options duration(long ms) { durationMs = ms; return this; }
        /** Share of assets that go silent for a while (longer than their silence timeout). */
        public Options offlineShare(double v) { offlineShare = v; return this; }
        /** How far behind the current event time a LATE record is stamped. */
        public Options lateBy(long ms) { lateByMs = ms; return this; }
        /** When the rainstorm starts (default: a seeded time in the first day). */
        public Options stormAt(long epochMs, long durationMs) { stormStart = epochMs; stormDurationMs = durationMs; return this; }
    }

    public static Options options() { return new Options(); }

    private final AssetTypes types;
    private final CityTopology topology;
    private final Options o;
    private final AssetRegistry registry;
    private final List<TypeState> states = new ArrayList<>();
    private final long stormStart;

    /** Per asset type: its assets, reading phase buckets, counters and offline windows. */
    private static final class TypeState {
        AssetType type;
        Asset[] assets;
        int[][] byPhase;
        MetricDef[] metrics;
        long[][] counterSteps;
        long[] offlineFrom;
        long[] offlineUntil;
        String[] attrJsonOfEvents;
    }

    public CitySimulator(AssetTypes types, CityTopology topology, Options options) {
        this.types = types;
        this.topology = topology;
        this.o = options;
        SplittableRandom rnd = new SplittableRandom(o.seed);
        this.stormStart = o.stormStart != null ? o.stormStart : o.start + (long) (rnd.nextDouble() * 86_400_000L);
        this.registry = new AssetRegistry();
        for (AssetType t : types.all()) {
            TypeState s = new TypeState();
            s.type = t;
            List<Asset> list = new ArrayList<>();
            for (Area street : topology.streets()) {
                double want = t.density() * o.scale;
                int n = (int) want + (rnd.nextDouble() < want - (int) want ? 1 : 0);
                for (int i = 0; i < n; i++) {
                    list.add(asset(t, street, i, rnd));
                }
            }
            if (list.isEmpty() && !topology.streets().isEmpty()) {
                // Every asset type has an asset at any scale, so every indicator has a source to read.
                list.add(asset(t, topology.streets().get(rnd.nextInt(topology.streets().size())), 0, rnd));
            }
            s.assets = list.toArray(new Asset[0]);
            list.forEach(registry::put);
            int interval = Math.max(1, t.intervalSeconds());
            List<List<Integer>> buckets = new ArrayList<>();
            for (int i = 0; i < interval; i++) {
                buckets.add(new ArrayList<>());
            }
            s.offlineFrom = new long[s.assets.length];
            s.offlineUntil = new long[s.assets.length];
            s.metrics = t.metrics().values().toArray(new MetricDef[0]);
            s.counterSteps = new long[s.assets.length][s.metrics.length];
            for (int i = 0; i < s.assets.length; i++) {
                buckets.get(rnd.nextInt(interval)).add(i);
                if (rnd.nextDouble() < o.offlineShare) {
                    long len = 2 * t.silenceTimeoutMs() + (long) (rnd.nextDouble() * t.silenceTimeoutMs());
                    s.offlineFrom[i] = o.start + (long) (rnd.nextDouble() * Math.max(1, o.durationMs - len));
                    s.offlineUntil[i] = s.offlineFrom[i] + len;
                }
                for (int m = 0; m < s.metrics.length; m++) {
                    if (s.metrics[m].kind() == MetricKind.COUNTER) {
                        s.counterSteps[i][m] = (long) (rnd.nextDouble() * 1_000_000);
                    }
                }
            }
            s.byPhase = new int[interval][];
            for (int i = 0; i < interval; i++) {
                s.byPhase[i] = buckets.get(i).stream().mapToInt(Integer::intValue).toArray();
            }
            states.add(s);
        }
    }

    /** The generated asset registry (write it with {@link AssetRegistry#write}). */
    public AssetRegistry registry() { return registry; }

    public long start() { return o.start; }

    public long end() { return o.start + o.durationMs; }

    /** The {@code i}-th asset of type {@code t} in a street, with seeded attributes and position. */
    private Asset asset(AssetType t, Area street, int i, SplittableRandom rnd) {
        double[] centre = centre(street.code());
        Map<String, Object> attrs = new LinkedHashMap<>();
        for (AttributeDef a : t.attributes().values()) {
            attrs.put(a.name(), attribute(a, rnd));
        }
        return new Asset(String.format("%s-%s-%04d", t.name(), street.code(), i), t.name(), street.code(),
                round6(centre[0] + (rnd.nextDouble() - 0.5) * 0.02), round6(centre[1] + (rnd.nextDouble() - 0.5) * 0.02), attrs);
    }

    /** Rainstorm intensity 0..1 at a time (a raised-cosine bump over the storm). */
    public double stormIntensity(long t) {
        if (t < stormStart || t >= stormStart + o.stormDurationMs) {
            return 0;
        }
        double x = (t - stormStart) / (double) o.stormDurationMs;
        return (1 - Math.cos(2 * Math.PI * x)) / 2;
    }

    private static double[] centre(String streetCode) {
        long h = streetCode.hashCode() * 0x9E3779B97F4A7C15L;
        double a = ((h >>> 11) & 0xFFFF) / 65535.0;
        double b = ((h >>> 33) & 0xFFFF) / 65535.0;
        return new double[] {30.9 + a * 0.7, 121.1 + b * 0.8};
    }

    private static double round6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /** A seeded value of an attribute as the simulator draws it (quantized number, one of the values, bool). */
    static Object attribute(AttributeDef a, SplittableRandom rnd) {
        switch (a.type()) {
            case STRING:
                return a.values().isEmpty() ? "x" : a.values().get(rnd.nextInt(a.values().size()));
            case BOOL:
                return rnd.nextBoolean();
            default:
                Simulation s = a.sim();
                double v = Math.min(s.max(), Math.max(s.min(), s.base() + s.noise() * gauss(rnd)));
                return quantize(v, a.resolution());
        }
    }

    private static double quantize(double v, double res) {
        return FixedPoint.fromFixed(FixedPoint.toFixed(v, res), res);
    }

    /** A standard normal draw, deterministic given the generator state. */
    static double gauss(SplittableRandom r) {
        // Box-Muller, deterministic given the generator state.
        double u = Math.max(1e-12, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** Daily shape 0..1 of a profile at an instant (Shanghai local time). */
    static double shape(String profile, long t, double hour) {
        switch (profile) {
            case "rush":
                return Math.min(1, bump(hour, 8, 1.2) + bump(hour, 18, 1.5));
            case "diurnal":
                return (1 - Math.cos(2 * Math.PI * (hour - 2) / 24)) / 2;
            case "night":
                return (1 + Math.cos(2 * Math.PI * (hour - 2) / 24)) / 2;
            case "evening":
                return bump(hour, 20, 2.5);
            case "business":
                return 1 / (1 + Math.exp(-(hour - 8) * 2)) / (1 + Math.exp(-(20 - hour) * 2));
            case "tide":
                return (1 + Math.sin(2 * Math.PI * t / (12.42 * 3_600_000))) / 2;
            default:
                return 0;
        }
    }

    private static double bump(double h, double centre, double sigma) {
        double d = Math.abs(h - centre);
        d = Math.min(d, 24 - d);
        return Math.exp(-d * d / (2 * sigma * sigma));
    }

    @Override
    public Iterator<SimRecord> iterator() {
        return new Feed();
    }

    /** Time-ordered generation, one simulated second at a time. */
    private final class Feed implements Iterator<SimRecord> {
        private final SplittableRandom rnd = new SplittableRandom(o.seed * 31 + 7);
        private final ArrayDeque<SimRecord> out = new ArrayDeque<>();
        private final StringBuilder sb = new StringBuilder(256);
        private final SimRecord[] recent = new SimRecord[64];
        private long second;
        private long seq;
        private int recentCount;

        @Override
        public boolean hasNext() {
            while (out.isEmpty() && o.start + second * 1000 < end()) {
                step(o.start + second * 1000);
                second++;
            }
            return !out.isEmpty();
        }

        @Override
        public SimRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return out.poll();
        }

        private void step(long t) {
            ZonedDateTime z = Instant.ofEpochMilli(t).atZone(SHANGHAI);
            double hour = z.getHour() + z.getMinute() / 60.0 + z.getSecond() / 3600.0;
            boolean weekend = z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY;
            double storm = stormIntensity(t);
            long sec = (t - o.start) / 1000;
            for (TypeState s : states) {
                int interval = s.byPhase.length;
                for (int i : s.byPhase[(int) (sec % interval)]) {
                    if (t >= s.offlineFrom[i] && t < s.offlineUntil[i]) {
                        continue;
                    }
                    emit(reading(s, i, t, hour, weekend, storm, interval), s, i);
                }
                for (EventKindDef ek : s.type.events().values()) {
                    Simulation m = ek.sim();
                    double perHour = Math.max(0, (m.base() + m.amp() * shape(m.profile(), t, hour)) * (weekend ? m.weekend() : 1))
                            * Math.max(0, 1 + m.storm() * storm);
                    double lambda = perHour * s.assets.length / 3600.0;
                    int n = poisson(lambda);
                    for (int k = 0; k < n; k++) {
                        int i = rnd.nextInt(s.assets.length);
                        if (t >= s.offlineFrom[i] && t < s.offlineUntil[i]) {
                            continue;
                        }
                        emit(event(s, i, ek, t + rnd.nextInt(1000)), s, i);
                    }
                }
            }
        }

        private int poisson(double lambda) {
            if (lambda <= 0) {
                return 0;
            }
            if (lambda > 30) {
                return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gauss(rnd)));
            }
            double l = Math.exp(-lambda);
            int k = 0;
            double p = 1;
            do {
                k++;
                p *= rnd.nextDouble();
            } while (p > l);
            return k - 1;
        }

        private String id() {
            return Long.toString(o.seed, 36) + "-" + Long.toString(seq++, 36);
        }

        private SimRecord reading(TypeState s, int i, long t, double hour, boolean weekend, double storm, int interval) {
            sb.setLength(0);
            Asset a = s.assets[i];
            // A few seconds of jitter: real feeds arrive slightly out of order.
            long ts = t + rnd.nextInt(1000) - (rnd.nextInt(20) == 0 ? rnd.nextInt(5000) : 0);
            sb.append("{\"id\":\"").append(id()).append("\",\"asset\":\"").append(a.id()).append("\",\"ts\":").append(ts)
                    .append(",\"readings\":{");
            for (int m = 0; m < s.metrics.length; m++) {
                MetricDef md = s.metrics[m];
                Simulation sim = md.sim();
                double level = (sim.base() + sim.amp() * shape(sim.profile(), t, hour)) * (weekend ? sim.weekend() : 1);
                long steps;
                if (md.kind() == MetricKind.COUNTER) {
                    double perHour = Math.max(0, level * (1 + sim.noise() * gauss(rnd)) + sim.storm() * storm);
                    s.counterSteps[i][m] += Math.round(perHour * interval / 3600.0 / md.resolution());
                    steps = s.counterSteps[i][m];
                } else {
                    double v = level + sim.noise() * gauss(rnd) + sim.storm() * storm;
                    v = Math.min(sim.max(), Math.max(sim.min(), v));
                    steps = Math.round(v / md.resolution());
                }
                if (m > 0) {
                    sb.append(',');
                }
                sb.append('"').append(md.name()).append("\":");
                appendFixed(sb, steps, md.resolution());
            }
            sb.append("}}");
            return new SimRecord(RecordClass.GOOD, a.id(), ts, sb.toString().getBytes(StandardCharsets.UTF_8));
        }

        private SimRecord event(TypeState s, int i, EventKindDef ek, long ts) {
            sb.setLength(0);
            Asset a = s.assets[i];
            sb.append("{\"id\":\"").append(id()).append("\",\"asset\":\"").append(a.id()).append("\",\"ts\":").append(ts)
                    .append(",\"event\":\"").append(ek.name()).append("\",\"attrs\":{");
            boolean first = true;
            for (AttributeDef ad : ek.attributes().values()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                sb.append('"').append(ad.name()).append("\":");
                Object v = attribute(ad, rnd);
                if (v instanceof String) {
                    sb.append('"').append(v).append('"');
                } else if (v instanceof Double) {
                    appendFixed(sb, Math.round((Double) v / ad.resolution()), ad.resolution());
                } else {
                    sb.append(v);
                }
            }
            sb.append("}}");
            return new SimRecord(RecordClass.GOOD, a.id(), ts, sb.toString().getBytes(StandardCharsets.UTF_8));
        }

        private void emit(SimRecord good, TypeState s, int i) {
            if (o.badShare > 0 && rnd.nextDouble() < o.badShare) {
                RecordClass c = BAD[rnd.nextInt(BAD.length)];
                if (c == RecordClass.DUPLICATE && recentCount == 0) {
                    c = RecordClass.MALFORMED;
                }
                out.add(bad(c, good));
                return;
            }
            out.add(good);
            recent[(int) (recentCount++ % recent.length)] = good;
        }

        private SimRecord bad(RecordClass c, SimRecord good) {
            String j = good.text();
            switch (c) {
                case MALFORMED:
                    return new SimRecord(c, good.key(), good.time(), j.substring(0, 1 + rnd.nextInt(j.length() - 1)).getBytes(StandardCharsets.UTF_8));
                case UNKNOWN_ASSET:
                    return new SimRecord(c, "ghost-" + good.key(), good.time(),
                            j.replace("\"asset\":\"", "\"asset\":\"ghost-").getBytes(StandardCharsets.UTF_8));
                case UNKNOWN_METRIC:
                    if (j.contains("\"readings\":{\"")) {
                        return new SimRecord(c, good.key(), good.time(),
                                j.replace("\"readings\":{\"", "\"readings\":{\"bogus_").getBytes(StandardCharsets.UTF_8));
                    }
                    return new SimRecord(RecordClass.UNKNOWN_EVENT_KIND, good.key(), good.time(),
                            j.replace("\"event\":\"", "\"event\":\"bogus_").getBytes(StandardCharsets.UTF_8));
                case NON_FINITE:
                    String nf = j.contains("\"readings\":{\"")
                            ? j.replaceFirst("(\"readings\":\\{\"[a-z0-9_]+\":)[-0-9.]+", "$11e999")
                            : j.replaceFirst("\"attrs\":\\{.*\\}\\}$", "\"attrs\":{\"__nf\":1e999}}");
                    return new SimRecord(nf.contains("__nf") ? RecordClass.MALFORMED : c, good.key(), good.time(),
                            (nf.contains("__nf") ? j.substring(0, j.length() / 2) : nf).getBytes(StandardCharsets.UTF_8));
                case DUPLICATE:
                    SimRecord prev = recent[rnd.nextInt((int) Math.min(recentCount, recent.length))];
                    return new SimRecord(c, prev.key(), prev.time(), prev.json());
                default: // LATE
                    long late = good.time() - o.lateByMs;
                    return new SimRecord(c, good.key(), late,
                            j.replace("\"ts\":" + good.time(), "\"ts\":" + late).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Appends steps × resolution as an exact decimal. */
    static void appendFixed(StringBuilder sb, long steps, double resolution) {
        BigDecimal r = BigDecimal.valueOf(resolution);
        if (r.scale() <= 0) {
            sb.append(BigDecimal.valueOf(steps).multiply(r).toPlainString());
            return;
        }
        long unscaled = steps * r.unscaledValue().longValue();
        int scale = r.scale();
        if (unscaled < 0) {
            sb.append('-');
            unscaled = -unscaled;
        }
        String digits = Long.toString(unscaled);
        if (digits.length() <= scale) {
            sb.append("0.");
            for (int k = digits.length(); k < scale; k++) {
                sb.append('0');
            }
            sb.append(digits);
        } else {
            sb.append(digits, 0, digits.length() - scale).append('.').append(digits, digits.length() - scale, digits.length());
        }
    }
}
