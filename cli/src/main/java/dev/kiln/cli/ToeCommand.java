package dev.kiln.cli;

import picocli.CommandLine.Command;

/** {@code kiln toe}: validate and run component documents, like AWS's {@code awstoe}. */
@Command(name = "toe", mixinStandardHelpOptions = true,
        description = "Validate and run component documents (AWSTOE YAML), like awstoe.",
        subcommands = {ToeValidateCommand.class, ToeRunCommand.class})
final class ToeCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
