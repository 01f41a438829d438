package org.citytwin.model.sim;

import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.topology.CityTopology;

/** Measures the simulator's records per second: {@code java -cp ... org.citytwin.model.sim.SimulatorBenchmark [minutes] [scale]}. */
public final class SimulatorBenchmark {
    private SimulatorBenchmark() {
    }

    public static void main(String[] args) {
        long minutes = args.length > 0 ? Long.parseLong(args[0]) : 60;
        double scale = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        AssetTypes types = AssetTypes.load("shanghai");
        CityTopology topo = CityTopology.load("shanghai");
        long t0 = System.nanoTime();
        CitySimulator sim = new CitySimulator(types, topo, CitySimulator.options().seed(42).scale(scale).duration(minutes * 60_000));
        long t1 = System.nanoTime();
        long n = 0;
        long bytes = 0;
        for (SimRecord r : sim) {
            n++;
            bytes += r.json().length;
        }
        long t2 = System.nanoTime();
        System.out.printf("assets=%d registry=%.2fs records=%d bytes=%d time=%.2fs rate=%.0f records/s%n",
                sim.registry().size(), (t1 - t0) / 1e9, n, bytes, (t2 - t1) / 1e9, n / ((t2 - t1) / 1e9));
    }
}
