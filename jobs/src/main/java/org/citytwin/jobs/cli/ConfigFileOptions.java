package org.citytwin.jobs.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.citytwin.jobs.config.ConfigException;
import org.citytwin.jobs.config.TwinConfig;
import picocli.CommandLine.Option;

/** {@code --config FILE} and {@code --set key=value}: how the engine commands read their options. */
final class ConfigFileOptions {

    @Option(names = "--config", description = "YAML configuration file (docs/configuration.md).")
    Path config;

    @Option(names = "--set", description = "Override one option: key=value (repeatable).")
    List<String> overrides = new ArrayList<>();

    /** The options an engine run needs, checked ({@link TwinConfig#requireForRun}). */
    Configuration loadForRun() throws ConfigException {
        return loadForRun(true);
    }

    /** The same for a run whose feed is read from Kafka or not ({@link TwinConfig#requireForRun(Configuration, boolean)}). */
    Configuration loadForRun(boolean feedFromKafka) throws ConfigException {
        Configuration options = TwinConfig.load(config, overrides);
        TwinConfig.requireForRun(options, feedFromKafka);
        return options;
    }
}
