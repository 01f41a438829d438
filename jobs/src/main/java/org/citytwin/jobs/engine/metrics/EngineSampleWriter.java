package org.citytwin.jobs.engine.metrics;

import java.io.Serializable;
import java.util.List;

/**
 * Where the engine's self-metrics go ({@code engine} measurement). Called from each operator's own
 * sampling thread, never from the record path, so a slow or absent database cannot hold records up;
 * the samples are cumulative, so one that fails to land is made good by the next.
 */
public interface EngineSampleWriter extends Serializable {

    /** Writes the samples; may block; throws when they were not written. */
    void write(List<EngineSample> samples) throws Exception;
}
