package dev.kiln.machines.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.log.BuildLog;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionRegistriesTest {
    @TempDir
    Path dir;

    @Test
    void clientFilesExistRightAfterConstruction() throws Exception {
        try (RegionRegistries r = new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"), Map.of())) {
            Map<String, String> env = r.environment();

            assertThat(env).containsOnlyKeys("CONTAINERS_REGISTRIES_CONF", "REGISTRY_AUTH_FILE");
            assertThat(Path.of(env.get("CONTAINERS_REGISTRIES_CONF"))).hasContent(
                    "# Written by Kiln (RegionRegistries) for the buildah and skopeo it runs; edits are lost.\n"
                            + "unqualified-search-registries = []");
            assertThat(new ObjectMapper().readTree(Path.of(env.get("REGISTRY_AUTH_FILE")).toFile())
                    .get("auths").size()).isZero();
        }
    }

    @Test
    void plainHttpRegistriesAreListedInsecureAndHttpsOnesNot() throws Exception {
        Map<String, URI> configured = Map.of("eu-west-1", URI.create("http://10.1.2.3:5000/"),
                "us-west-2", URI.create("https://registry.example.com"));
        try (RegionRegistries r = new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"), configured)) {
            String conf = Files.readString(Path.of(r.environment().get("CONTAINERS_REGISTRIES_CONF")));

            assertThat(conf).contains("[[registry]]\nlocation = \"10.1.2.3:5000\"\ninsecure = true\n")
                    .doesNotContain("registry.example.com");
        }
    }

    @Test
    void credentialsGoToAPrivateAuthFileOnly() throws Exception {
        Map<String, URI> configured = Map.of("eu-west-1",
                URI.create("https://kiln:p%40ss:w@registry.example.com:5443"));
        try (RegionRegistries r = new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"), configured)) {
            Path auth = Path.of(r.environment().get("REGISTRY_AUTH_FILE"));
            JsonNode entry = new ObjectMapper().readTree(auth.toFile()).get("auths").get("registry.example.com:5443");

            assertThat(new String(Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8))
                    .isEqualTo("kiln:p@ss:w");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auth))).isEqualTo("rw-------");
            assertThat(Files.readString(Path.of(r.environment().get("CONTAINERS_REGISTRIES_CONF"))))
                    .doesNotContain("p@ss", "p%40ss", "registry.example.com");
        }
    }

    @Test
    void registriesConfListsEachHostOnce() {
        assertThat(RegionRegistries.registriesConf(List.of("127.0.0.1:5001", "10.0.0.1")))
                .endsWith("\n[[registry]]\nlocation = \"127.0.0.1:5001\"\ninsecure = true\n"
                        + "\n[[registry]]\nlocation = \"10.0.0.1\"\ninsecure = true\n");
    }

    @Test
    void aUrlThatIsNoRegistryBaseIsRefusedWithoutItsPassword() {
        assertThatThrownBy(() -> new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"),
                Map.of("eu-west-1", URI.create("http://u:hunter2@host:5000/v2/kiln"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eu-west-1").hasMessageContaining("http://host:5000/v2/kiln")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"),
                Map.of("eu-west-1", URI.create("ftp://host"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"),
                Map.of("eu-west-1", URI.create("http://justauser@host:5000"))))
                .hasMessageContaining("no password");
    }

    @Test
    void aRegionNameCannotLeaveTheRegionsFolder() throws Exception {
        try (RegionRegistries r = new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"), Map.of())) {
            assertThatThrownBy(() -> r.registry("../etc", BuildLog.discarding(Clock.systemUTC())))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void sweepingAFolderWithoutRegistriesStopsNothing() throws Exception {
        Files.createDirectories(dir.resolve("regions/us-east-1/registry"));
        Files.writeString(dir.resolve("regions/us-east-1/registry/pid"), ProcessHandle.current().pid() + "\n");
        try (RegionRegistries r = new RegionRegistries(dir.resolve("regions"), dir.resolve("conf"), Map.of())) {
            assertThat(r.sweepOrphans()).isZero();
        }
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }
}
