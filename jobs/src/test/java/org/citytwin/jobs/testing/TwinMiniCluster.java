package org.citytwin.jobs.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniCluster every job test runs on: 2 TaskManagers with 2 slots each. */
public final class TwinMiniCluster {

    private TwinMiniCluster() {}

    public static MiniClusterExtension twoTaskManagers() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(2)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }
}
