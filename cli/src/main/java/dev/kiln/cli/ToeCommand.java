package dev.kiln.cli;

import picocli.CommandLine.Command;

/** {@code kiln toe}: validate and run component documents, like AWS's {@code awstoe}. */
@Command(name = "toe", mixinStandardHelpOptions = true,
        description = "Validate and run component documents (AWSTOE YAML), like awstoe.")
final class ToeCommand implements Runnable {
    @Override
    public void run() {
    }
}
