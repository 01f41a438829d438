package org.citytwin.jobs.cli;

import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code twin} command line: one subcommand per job or tool. */
@Command(name = "twin",
        mixinStandardHelpOptions = true,
        version = "twin 0.1.0",
        description = "City vital-signs twin engine on Apache Flink (城市生命体征数字孪生引擎).",
        subcommands = {DemoCommand.class, RunCommand.class, ReplayCommand.class, SimulateCommand.class, CatalogCommand.class, GrafanaCommand.class,
                BenchCommand.class, SoakCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "  test       Install missing test services and run the whole suite (handled by the ./twin launcher)."})
public final class TwinCli {

    public static void main(String[] args) {
        int exitCode = new CommandLine(new TwinCli()).execute(args);
        // Submitted to a cluster (flink run, the REST API's /jars/:id/run, application mode) main may
        // run inside the JobManager, where System.exit would end the JobManager with it.
        if (!onFlinkCluster()) {
            System.exit(exitCode);
        } else if (exitCode != 0) {
            throw new IllegalStateException("twin " + (args.length > 0 ? args[0] : "") + " ended with exit code "
                    + exitCode + " (its message is above)");
        }
    }

    /** Whether this runs under a Flink client or cluster (not a local {@code ./twin} run). */
    static boolean onFlinkCluster() {
        return !(StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment);
    }
}
