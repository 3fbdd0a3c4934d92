package dev.cab.embedded.clickhouse.internal.engine;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Downcall handles for the C API of libchdb (chdb.h of chdb 26.5): {@code chdb_connect}, {@code
 * chdb_query_n}, {@code chdb_query_with_params_n}, the {@code chdb_result_*} accessors and the
 * destructors. The library stays loaded for the life of the process (global arena): the engine
 * cannot be unloaded and reloaded anyway.
 *
 * <p>The handles themselves are thread-safe; what may run concurrently is the caller's business
 * ({@link ChdbEngine} serialises every engine call).
 */
// Native access is this class's purpose: the JVM runs with --enable-native-access.
@SuppressWarnings("restricted")
final class ChdbBindings {

  final MethodHandle connect;
  final MethodHandle closeConn;
  final MethodHandle queryN;
  final MethodHandle queryWithParamsN;
  final MethodHandle resultBuffer;
  final MethodHandle resultLength;
  final MethodHandle resultError;
  final MethodHandle resultElapsed;
  final MethodHandle resultRowsRead;
  final MethodHandle resultBytesRead;
  final MethodHandle resultStorageRowsRead;
  final MethodHandle resultStorageBytesRead;
  final MethodHandle resultRowsWritten;
  final MethodHandle resultBytesWritten;
  final MethodHandle destroyQueryResult;

  ChdbBindings(Path library) {
    SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
    Linker linker = Linker.nativeLinker();
    // chdb_connection *chdb_connect(int argc, char **argv)
    this.connect =
        handle(linker, lookup, "chdb_connect", FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS));
    // void chdb_close_conn(chdb_connection *conn)
    this.closeConn = handle(linker, lookup, "chdb_close_conn", FunctionDescriptor.ofVoid(ADDRESS));
    // chdb_result *chdb_query_n(conn, query, query_len, format, format_len)
    this.queryN =
        handle(
            linker,
            lookup,
            "chdb_query_n",
            FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG));
    // chdb_result *chdb_query_with_params_n(conn, query, query_len, format, format_len,
    //     names, name_lens, values, value_lens, count)
    this.queryWithParamsN =
        handle(
            linker,
            lookup,
            "chdb_query_with_params_n",
            FunctionDescriptor.of(
                ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, JAVA_LONG));
    this.resultBuffer =
        handle(linker, lookup, "chdb_result_buffer", FunctionDescriptor.of(ADDRESS, ADDRESS));
    this.resultLength =
        handle(linker, lookup, "chdb_result_length", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    this.resultError =
        handle(linker, lookup, "chdb_result_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
    this.resultElapsed =
        handle(linker, lookup, "chdb_result_elapsed", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS));
    this.resultRowsRead =
        handle(linker, lookup, "chdb_result_rows_read", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    this.resultBytesRead =
        handle(linker, lookup, "chdb_result_bytes_read", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    this.resultStorageRowsRead =
        handle(
            linker,
            lookup,
            "chdb_result_storage_rows_read",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    this.resultStorageBytesRead =
        handle(
            linker,
            lookup,
            "chdb_result_storage_bytes_read",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    this.resultRowsWritten =
        handle(
            linker, lookup, "chdb_result_rows_written", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    this.resultBytesWritten =
        handle(
            linker, lookup, "chdb_result_bytes_written", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    this.destroyQueryResult =
        handle(linker, lookup, "chdb_destroy_query_result", FunctionDescriptor.ofVoid(ADDRESS));
  }

  private static MethodHandle handle(
      Linker linker, SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
    MemorySegment symbol =
        lookup
            .find(name)
            .orElseThrow(() -> new IllegalStateException("libchdb does not export " + name + "()"));
    return linker.downcallHandle(symbol, descriptor);
  }
}
