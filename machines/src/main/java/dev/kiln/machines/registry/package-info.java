/**
 * The OCI registries that stand in for ECR: each region's is either one the operator named or a CNCF
 * registry that Kiln runs and supervises on loopback ({@link dev.kiln.machines.registry.RegionRegistries}).
 */
package dev.kiln.machines.registry;
