package org.citytwin.jobs.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code twin} command line: one subcommand per job or tool. */
@Command(name = "twin",
        mixinStandardHelpOptions = true,
        version = "twin 0.1.0",
        description = "City vital-signs twin engine on Apache Flink (城市生命体征数字孪生引擎).",
        subcommands = {DemoCommand.class, RunCommand.class, SimulateCommand.class, CatalogCommand.class, GrafanaCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "  test       Install missing test services and run the whole suite (handled by the ./twin launcher)."})
public final class TwinCli {

    public static void main(String[] args) {
        System.exit(new CommandLine(new TwinCli()).execute(args));
    }
}
