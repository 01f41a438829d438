package org.citytwin.jobs.cli;

import java.util.ServiceLoader;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code twin} command line: one subcommand per job or tool. The job jar's commands are listed
 * here; {@code demo}, {@code bench} and {@code soak} ({@link ToolCommand}s) come from {@code twin-tools.jar}
 * when it is on the class path, as {@code ./twin} puts it.
 */
@Command(name = "twin",
        mixinStandardHelpOptions = true,
        version = "twin 0.1.0",
        description = "City vital-signs twin engine on Apache Flink (城市生命体征数字孪生引擎).",
        subcommands = {RunCommand.class, ReplayCommand.class, SimulateCommand.class, CatalogCommand.class, GrafanaCommand.class})
public final class TwinCli {

    private static final String TEST = "  test       Install missing test services and run the whole suite (handled by the ./twin launcher).";
    private static final String NO_TOOLS = "  demo, bench, soak  Start Kafka and InfluxDB on this machine: they are in tools/target/twin-tools.jar, "
            + "which ./twin puts on the class path.";

    /** The commands of this jar, then those of twin-tools.jar if it is on the class path, then {@code help}. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TwinCli());
        boolean tools = false;
        for (ToolCommand tool : ServiceLoader.load(ToolCommand.class)) {
            cli.addSubcommand(tool);
            tools = true;
        }
        cli.addSubcommand(new CommandLine.HelpCommand());
        cli.getCommandSpec().usageMessage().footer(tools ? new String[] {"", TEST} : new String[] {"", TEST, NO_TOOLS});
        return cli;
    }

    public static void main(String[] args) {
        int exitCode = commandLine().execute(args);
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
