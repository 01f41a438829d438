package org.citytwin.jobs.cli;

import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.citytwin.jobs.config.TwinOptions;
import org.citytwin.jobs.engine.IndicatorJob;
import org.citytwin.jobs.engine.registry.RegistryRef;
import org.citytwin.model.CitySource;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.catalog.CatalogLoader;
import org.citytwin.model.plan.EvaluationPlan;
import org.citytwin.model.topology.CityTopology;

/** What the engine is built from, as the options name it: the city's asset types, topology and plan, the registry, the timing. */
record EngineInputs(AssetTypes types, CityTopology topology, EvaluationPlan plan, RegistryRef registry, IndicatorJob.Timing timing) {

    static EngineInputs load(Configuration options) {
        String city = options.getOptional(TwinOptions.CITY_DIR).orElse(options.get(TwinOptions.CITY));
        CitySource source = CitySource.of(city);
        AssetTypes types = AssetTypes.load(source);
        CityTopology topology = CityTopology.load(source);
        EvaluationPlan plan = EvaluationPlan.compile(CatalogLoader.load(source, types), types, topology);
        RegistryRef registry = options.getOptional(TwinOptions.REGISTRY_TOPIC)
                .map(topic -> RegistryRef.kafkaTopic(options.get(TwinOptions.FEED_BOOTSTRAP_SERVERS), topic))
                .orElseGet(() -> RegistryRef.of(AssetRegistry.load(Path.of(options.get(TwinOptions.REGISTRY_FILE)))));
        return new EngineInputs(types, topology, plan, registry, new IndicatorJob.Timing(options.get(TwinOptions.MAX_OUT_OF_ORDERNESS),
                options.get(TwinOptions.SOURCE_IDLENESS), options.get(TwinOptions.ALLOWED_LATENESS)));
    }
}
