/**
 * Where builds run and what they produce: Kiln-managed base images built from the Debian mirror, each
 * region's image store, the QEMU VM and namespace sandbox instance backends, and the SSH target through
 * which the component engine drives a VM.
 */
package dev.kiln.machines;
