/**
 * Container images built without a daemon: {@link dev.kiln.machines.container.BuildahEngine} runs
 * buildah (chroot isolation, storage of Kiln's own) for Dockerfile builds, working containers in which
 * components run, commits and pushes.
 */
package dev.kiln.machines.container;
