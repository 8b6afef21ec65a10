package dev.kiln.machines.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How big a VM an EC2 instance type asks for, as AWS sizes them:
 *
 * <pre>
 * size      t2          t3/t3a      m5          c5          r5          other families
 * nano      1 / 0.5     2 / 0.5     -           -           -           2 / 0.5
 * micro     1 / 1       2 / 1       -           -           -           2 / 1
 * small     1 / 2       2 / 2       -           -           -           2 / 2
 * medium    2 / 4       2 / 4       -           -           -           2 / 4
 * large     2 / 8       2 / 8       2 / 8       2 / 4       2 / 16      2 / 8
 * xlarge    4 / 16      4 / 16      4 / 16      4 / 8       4 / 32      4 / 16
 * 2xlarge   8 / 32      8 / 32      8 / 32      8 / 16      8 / 64      8 / 32
 * Nxlarge   -           -           4N / 16N    4N / 8N     4N / 32N    4N / 16N
 * </pre>
 * (vCPUs / GiB). A VM gets at most as many vCPUs as the host has cores, and at most half the host's
 * memory (at least 512 MiB): the VM's memory is only taken from the host as the guest touches it, but a
 * busy guest's page cache touches all of it.
 */
public final class InstanceSizes {
    private static final Pattern TYPE = Pattern.compile("([a-z][a-z0-9-]*)\\.((\\d+)?x?large|nano|micro|small|medium|metal)");
    private static final int MIN_MEMORY_MIB = 512;

    /** vCPUs and memory per size for the burstable families and the default. */
    private static final Map<String, int[]> GENERAL = Map.of(
            "nano", new int[] {2, 512},
            "micro", new int[] {2, 1024},
            "small", new int[] {2, 2048},
            "medium", new int[] {2, 4096});
    private static final Map<String, int[]> T2 = Map.of(
            "nano", new int[] {1, 512},
            "micro", new int[] {1, 1024},
            "small", new int[] {1, 2048},
            "medium", new int[] {2, 4096});
    /** GiB of memory per vCPU from large upwards. */
    private static final Map<String, Integer> GIB_PER_VCPU = Map.of("c5", 2, "c5a", 2, "c6i", 2, "c7i", 2,
            "r5", 8, "r5a", 8, "r6i", 8, "r7i", 8);

    private InstanceSizes() {
    }

    /** @param memoryMiB memory in MiB */
    public record Size(int vcpus, int memoryMiB) {
    }

    /**
     * The VM size for an instance type, capped to this host.
     *
     * @throws IllegalArgumentException when the type is not {@code <family>.<size>} with a size EC2 knows
     */
    public static Size of(String instanceType) {
        return of(instanceType, Runtime.getRuntime().availableProcessors(), hostMemoryMiB());
    }

    /** Whether {@link #of} understands the instance type. */
    public static boolean isKnown(String instanceType) {
        return instanceType != null && asEc2(instanceType).isPresent();
    }

    static Size of(String instanceType, int hostCores, long hostMemoryMiB) {
        Size asked = asEc2(instanceType).orElseThrow(() -> new IllegalArgumentException(
                "unknown instance type '" + instanceType + "': expected an EC2 type such as t3.micro, m5.large"
                        + " or c5.2xlarge (family.size, size nano|micro|small|medium|large|xlarge|Nxlarge)"));
        int vcpus = Math.max(1, Math.min(asked.vcpus(), hostCores));
        long cap = Math.max(MIN_MEMORY_MIB, hostMemoryMiB / 2);
        int memory = (int) Math.max(MIN_MEMORY_MIB, Math.min(asked.memoryMiB(), cap));
        return new Size(vcpus, memory);
    }

    /** The size AWS gives the type, before capping. */
    static Optional<Size> asEc2(String instanceType) {
        Matcher m = TYPE.matcher(instanceType.toLowerCase(Locale.ROOT).strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String family = m.group(1);
        String size = m.group(2);
        if (GENERAL.containsKey(size)) {
            int[] v = (family.equals("t2") ? T2 : GENERAL).get(size);
            return Optional.of(new Size(v[0], v[1]));
        }
        int vcpus;
        if (size.equals("large")) {
            vcpus = 2;
        } else if (size.equals("xlarge")) {
            vcpus = 4;
        } else if (size.equals("metal")) {
            vcpus = 96;
        } else if (size.endsWith("xlarge") && m.group(3) != null) {
            vcpus = 4 * Integer.parseInt(m.group(3));
        } else {
            return Optional.empty();
        }
        int gibPerVcpu = GIB_PER_VCPU.getOrDefault(family, 4);
        return Optional.of(new Size(vcpus, vcpus * gibPerVcpu * 1024));
    }

    private static long hostMemoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Fall through to a size that every build host has.
        }
        return 4096;
    }
}
