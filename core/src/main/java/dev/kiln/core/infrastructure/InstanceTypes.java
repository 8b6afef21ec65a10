package dev.kiln.core.infrastructure;

import java.util.regex.Pattern;

/**
 * The instance types an infrastructure configuration may name. Kiln keeps them as given and maps them
 * to VM sizes when it launches a build; {@link #SANDBOX} asks for a namespace sandbox instead of a VM.
 *
 * <p>The check is deliberately permissive: EC2 adds families every year, so Kiln does not keep a table
 * of them. It refuses only names that cannot be an instance type at all. A type is a family, a dot and
 * a size, each lower-case letters and digits, optionally in hyphenated parts: {@code m5.large},
 * {@code c6gn.16xlarge}, {@code u-6tb1.metal}, {@code mac2-m2pro.metal}, {@code c7i.metal-24xl}.
 */
public final class InstanceTypes {
    /** Build in a namespace sandbox on the Kiln host rather than in a VM. */
    public static final String SANDBOX = "kiln.sandbox";

    private static final Pattern WELL_FORMED = Pattern.compile(
            "[a-z0-9]+(?:-[a-z0-9]+)*\\.[a-z0-9]+(?:-[a-z0-9]+)*");

    private InstanceTypes() {
    }

    /** Whether the name has the form of an EC2 instance type (or is {@link #SANDBOX}). */
    public static boolean isWellFormed(String instanceType) {
        return instanceType != null && (instanceType.equals(SANDBOX) || WELL_FORMED.matcher(instanceType).matches());
    }
}
