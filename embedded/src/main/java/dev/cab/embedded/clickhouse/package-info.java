/**
 * A local ClickHouse server: the real engine of libchdb 26.5 (ClickHouse 26.5.1.1), loaded with the
 * FFM API, behind the ClickHouse HTTP interface, so that clickhouse-jdbc, the official clients and
 * curl use it as they use a ClickHouse server.
 *
 * <ul>
 *   <li>{@link dev.cab.embedded.clickhouse.EmbeddedClickHouse}: the server in a child JVM (tests,
 *       {@code cab up}); the JUnit side is {@link dev.cab.embedded.junit.ClickHouseExtension}.
 *   <li>{@link dev.cab.embedded.clickhouse.ClickHouseServerMain}: the server in the foreground
 *       ({@code cab clickhouse}), printing {@code CLICKHOUSE_URL=http://127.0.0.1:<port>}.
 *   <li>{@link dev.cab.embedded.clickhouse.ClickHouseHttpServer}: the server in this process (at
 *       most one engine per process).
 * </ul>
 *
 * <p>Where it differs from a ClickHouse server, knowingly:
 *
 * <ul>
 *   <li>A result is computed whole (in native memory) before its first byte is sent, as with {@code
 *       wait_end_of_query=1}: errors never arrive mid-stream, no {@code X-ClickHouse-Progress}
 *       headers, and a client that disconnects does not cancel its query.
 *   <li>Queries run one at a time; {@code /ping} and the HTTP layer stay concurrent.
 *   <li>Authentication happens in the HTTP layer: users come from a users.xml subset (password,
 *       password_sha256_hex, a profile's readonly level, allow_databases for the current database);
 *       inside the engine every query runs as {@code default}, and there are no grants.
 *   <li>In a session ({@code session_id}), settings and {@code database} given as URL parameters
 *       stay set for the session's later requests.
 *   <li>{@code query_id} is echoed, but the engine does not know it ({@code KILL QUERY} cannot find
 *       it).
 *   <li>Request bodies: gzip or deflate ({@code Content-Encoding}), compressed blocks with LZ4 or
 *       none ({@code decompress=1}); responses: gzip or deflate, LZ4 blocks. No zstd, br, xz.
 *   <li>Response header names come out as the JDK's HTTP server writes them ({@code
 *       X-clickhouse-summary}); HTTP header names are case-insensitive. URLs must be
 *       percent-encoded (a raw {@code {} } in a request line is refused with 400).
 *   <li>Inline insert data reaches the engine through a temporary file, because libchdb's statement
 *       splitter would end it at the first empty line (see {@code RequestQuery}).
 * </ul>
 */
package dev.cab.embedded.clickhouse;
