package org.citytwin.jobs.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.util.InstantiationUtil;
import org.citytwin.model.asset.AssetRegistry;
import org.citytwin.model.asset.AssetTypes;
import org.citytwin.model.sim.CitySimulator;
import org.citytwin.model.topology.CityTopology;
import org.junit.jupiter.api.Test;

/** A registry shipped with the job comes back whole after serialization, read once per JVM. */
class RegistryRefTest {

    @Test
    void aShippedRegistryResolvesToTheSameAssetsAndIsReadOncePerJvm() throws Exception {
        AssetRegistry registry = new CitySimulator(AssetTypes.load("shanghai"), CityTopology.load("shanghai"),
                CitySimulator.options().seed(3).scale(0.02)).registry();
        RegistryRef ref = RegistryRef.of(registry);
        assertThat(ref.resolve()).as("not serialized: the very registry given").isSameAs(registry);

        byte[] shipped = InstantiationUtil.serializeObject(ref);
        RegistryRef first = InstantiationUtil.deserializeObject(shipped, getClass().getClassLoader());
        RegistryRef second = InstantiationUtil.deserializeObject(shipped, getClass().getClassLoader());
        assertThat(first.resolve().all()).as("every asset, with its attributes").containsExactlyElementsOf(registry.all());
        assertThat(second.resolve()).as("one read per JVM").isSameAs(first.resolve());
        assertThat(registry.size()).isGreaterThan(1000);
    }
}
