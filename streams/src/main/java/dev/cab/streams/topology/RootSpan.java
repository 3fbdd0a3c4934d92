package dev.cab.streams.topology;

import java.time.Instant;

/**
 * The run facts carried by a cell's {@code adapter_run} (root) span.
 *
 * @param spanId the root span id
 * @param containerImage {@code container.image.name}
 * @param imageDigest {@code container.image.id}
 * @param modelBuildId {@code cab.model.build_id}
 * @param exitCode {@code process.exit.code}
 * @param startedAt span start
 * @param endedAt span end, or null while the run is still going
 * @param durationMs span duration in milliseconds, or null while running
 */
public record RootSpan(
    String spanId,
    String containerImage,
    String imageDigest,
    String modelBuildId,
    Integer exitCode,
    Instant startedAt,
    Instant endedAt,
    Double durationMs) {}
