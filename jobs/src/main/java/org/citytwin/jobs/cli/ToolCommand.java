package org.citytwin.jobs.cli;

import java.util.concurrent.Callable;

/**
 * A {@code twin} subcommand that starts Kafka or InfluxDB on this machine ({@code demo}, {@code bench},
 * {@code soak}): it ships in {@code twin-tools.jar}, not in the job jar a cluster runs, and
 * {@link TwinCli} finds it on the class path with {@link java.util.ServiceLoader}.
 */
public interface ToolCommand extends Callable<Integer> {}
