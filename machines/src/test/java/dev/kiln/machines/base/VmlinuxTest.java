package dev.kiln.machines.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmlinuxTest {
    @TempDir
    Path dir;

    @Test
    void takesTheXzCompressedElfOutOfABzImage() throws Exception {
        byte[] elf = new byte[100_000];
        elf[0] = 0x7f;
        elf[1] = 'E';
        elf[2] = 'L';
        elf[3] = 'F';
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        image.write(new byte[] {'M', 'Z', 0, 0, (byte) 0xFD, '7', 'z', 'X', 'Z', 0, 9, 9}); // a false start
        try (XZCompressorOutputStream xz = new XZCompressorOutputStream(image)) {
            xz.write(elf);
        }
        image.write(new byte[] {1, 2, 3, 4}); // the bzImage goes on after the payload
        Path bz = dir.resolve("vmlinuz");
        Files.write(bz, image.toByteArray());

        assertThat(Vmlinux.extract(bz, dir.resolve("vmlinux"))).isTrue();
        assertThat(Files.readAllBytes(dir.resolve("vmlinux"))).isEqualTo(elf);
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(2);
        }
    }

    @Test
    void saysNoWhenThereIsNoXzKernel() throws Exception {
        Path bz = dir.resolve("vmlinuz");
        Files.write(bz, new byte[] {'M', 'Z', 1, 2, 3});
        assertThat(Vmlinux.extract(bz, dir.resolve("vmlinux"))).isFalse();
        assertThat(dir.resolve("vmlinux")).doesNotExist();
    }
}
