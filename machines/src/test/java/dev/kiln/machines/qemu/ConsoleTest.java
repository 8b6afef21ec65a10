package dev.kiln.machines.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.core.log.BuildLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsoleTest {
    @Test
    void logsCleanLinesAndKeepsTheLastOnes() {
        List<String> logged = new ArrayList<>();
        Console console = new Console(BuildLog.discarding(Clock.systemUTC()).follow(logged::add));
        console.console("\u001B[2J\u001B[Hkiln-seed: ok\r");
        console.console("   ");
        console.qemu("could not bind");
        for (int i = 0; i < 500; i++) {
            console.console("line " + i);
        }
        assertThat(logged.get(0)).endsWith("[console] kiln-seed: ok");
        assertThat(logged.get(1)).endsWith("[qemu] could not bind");
        assertThat(console.tail(2)).isEqualTo("line 498\nline 499");
        assertThat(console.qemuErrors()).isEqualTo("could not bind\n");
    }
}
