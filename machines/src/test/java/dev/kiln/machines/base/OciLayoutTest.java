package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant CREATED = Instant.parse("2026-11-26T12:00:00Z");
    private static final OciLayout.Image IMAGE = new OciLayout.Image("2026.11.0", "amd64",
            List.of("PATH=/usr/bin:/bin"), List.of("bash"),
            Map.of("org.opencontainers.image.version", "2026.11.0", "org.opencontainers.image.title", "t"),
            CREATED, "mmdebstrap bookworm");

    @TempDir
    Path dir;
    Path tar;

    @BeforeEach
    void smallTar() throws IOException {
        tar = dir.resolve("layer.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            out.putArchiveEntry(new TarArchiveEntry("./etc/"));
            out.closeArchiveEntry();
            byte[] version = "12.8\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry file = new TarArchiveEntry("./etc/debian_version");
            file.setSize(version.length);
            out.putArchiveEntry(file);
            out.write(version);
            out.closeArchiveEntry();
        }
    }

    @Test
    void layerBlobIsTheGzippedTarNamedByItsDigestAndDiffIdIsTheTarsDigest() throws Exception {
        OciLayout.Written w = OciLayout.write(tar, IMAGE, dir.resolve("oci"));

        Path blob = w.layer().path(dir.resolve("oci"));
        assertThat(blob).isEqualTo(dir.resolve("oci/blobs/sha256/" + w.layer().digest().substring(7)));
        assertThat(w.layer().digest()).isEqualTo(sha256(Files.readAllBytes(blob)));
        assertThat(w.layer().size()).isEqualTo(Files.size(blob));
        assertThat(w.layer().mediaType()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(blob))) {
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(tar));
        }
        assertThat(w.diffId()).isEqualTo(sha256(Files.readAllBytes(tar)));
        try (var blobs = Files.list(dir.resolve("oci/blobs/sha256"))) {
            assertThat(blobs).hasSize(3); // layer, config, manifest: no partial file left
        }
    }

    @Test
    void configHasPlatformEnvCmdLabelsAndDiffIds() throws Exception {
        OciLayout.Written w = OciLayout.write(tar, IMAGE, dir.resolve("oci"));

        byte[] bytes = Files.readAllBytes(w.config().path(dir.resolve("oci")));
        assertThat(w.config().digest()).isEqualTo(sha256(bytes));
        assertThat(w.config().size()).isEqualTo(bytes.length);
        JsonNode config = JSON.readTree(bytes);
        assertThat(config.path("architecture").asText()).isEqualTo("amd64");
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("created").asText()).isEqualTo("2026-11-26T12:00:00Z");
        assertThat(config.at("/config/Env").toString()).isEqualTo("[\"PATH=/usr/bin:/bin\"]");
        assertThat(config.at("/config/Cmd").toString()).isEqualTo("[\"bash\"]");
        assertThat(config.at("/config/Labels").toString()).isEqualTo(
                "{\"org.opencontainers.image.title\":\"t\",\"org.opencontainers.image.version\":\"2026.11.0\"}");
        assertThat(config.at("/rootfs/type").asText()).isEqualTo("layers");
        assertThat(config.at("/rootfs/diff_ids").toString()).isEqualTo("[\"" + w.diffId() + "\"]");
        assertThat(config.at("/history/0/created_by").asText()).isEqualTo("mmdebstrap bookworm");
    }

    @Test
    void manifestNamesConfigAndLayerAndIndexNamesTheManifestByTag() throws Exception {
        Path layout = dir.resolve("oci");
        OciLayout.Written w = OciLayout.write(tar, IMAGE, layout);

        byte[] bytes = Files.readAllBytes(w.manifest().path(layout));
        assertThat(w.manifest().digest()).isEqualTo(sha256(bytes));
        JsonNode manifest = JSON.readTree(bytes);
        assertThat(manifest.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(manifest.at("/config/mediaType").asText()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(manifest.at("/config/digest").asText()).isEqualTo(w.config().digest());
        assertThat(manifest.at("/config/size").asLong()).isEqualTo(w.config().size());
        assertThat(manifest.path("layers")).hasSize(1);
        assertThat(manifest.at("/layers/0/digest").asText()).isEqualTo(w.layer().digest());
        assertThat(manifest.at("/layers/0/size").asLong()).isEqualTo(w.layer().size());

        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        assertThat(index.path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.path("manifests")).hasSize(1);
        assertThat(index.at("/manifests/0/mediaType").asText()).isEqualTo(OciLayout.MANIFEST_TYPE);
        assertThat(index.at("/manifests/0/digest").asText()).isEqualTo(w.manifest().digest());
        assertThat(index.at("/manifests/0/size").asLong()).isEqualTo(bytes.length);
        assertThat(index.at("/manifests/0/annotations").path("org.opencontainers.image.ref.name").asText())
                .isEqualTo("2026.11.0");
        assertThat(JSON.readTree(layout.resolve("oci-layout").toFile()).path("imageLayoutVersion").asText())
                .isEqualTo("1.0.0");
    }

    @Test
    void sameTarAndImageGiveTheSameDigests() throws Exception {
        OciLayout.Written first = OciLayout.write(tar, IMAGE, dir.resolve("a"));
        OciLayout.Written second = OciLayout.write(tar, IMAGE, dir.resolve("b"));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void streamsATarLargerThanItsBuffers() throws Exception {
        Path big = dir.resolve("big.tar");
        try (OutputStream out = Files.newOutputStream(big)) {
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < 8; i++) {
                block[i] = (byte) i; // not all zero: a different block each time
                out.write(block);
            }
        }
        OciLayout.Written w = OciLayout.write(big, IMAGE, dir.resolve("oci"));
        assertThat(w.diffId()).isEqualTo(sha256(Files.readAllBytes(big)));
        assertThat(w.layer().size()).isLessThan(Files.size(big) / 10);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
