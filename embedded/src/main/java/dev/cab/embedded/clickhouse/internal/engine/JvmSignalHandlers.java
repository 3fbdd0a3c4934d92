package dev.cab.embedded.clickhouse.internal.engine;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot of this process's signal dispositions ({@code sigaction}), to give the JVM back the
 * handlers that libchdb takes.
 *
 * <p>Why: HotSpot handles SIGSEGV itself (implicit null checks in JIT-compiled code, safepoint
 * polls) and SIGBUS, SIGFPE, SIGILL likewise. Measured on libchdb 26.5.3: the engine's first {@code
 * chdb_connect} installs ClickHouse's handlers for signals 4, 5, 6, 7, 8, 11, 20 and 31; and with
 * {@code chdb_set_signal_handlers_enabled(0)} every {@code chdb_connect} resets 4, 7, 8 and 11 to
 * SIG_DFL instead. Either way the next null check in compiled Java code kills the process
 * ("Segmentation fault", exit 139, no hs_err file). Later connects leave handlers alone when chdb's
 * own are enabled, so the engine takes a snapshot before it boots and restores it right after.
 * (Preloading the JDK's libjsig, as {@code EmbeddedClickHouse} also does, closes the short window
 * during the boot itself.)
 *
 * <p>Immutable once taken; {@link #restoreChanged()} is thread-safe (sigaction is).
 */
// Native access is this class's purpose: the JVM runs with --enable-native-access.
@SuppressWarnings("restricted")
final class JvmSignalHandlers {

  /** struct sigaction is 152 bytes on x86_64 glibc; 256 leaves room on any Linux ABI. */
  private static final long SIGACTION_BYTES = 256;

  private static final int LAST_SIGNAL = 31;
  private static final int SIGKILL = 9;
  private static final int SIGSTOP = 19;

  private static final MethodHandle SIGACTION =
      Linker.nativeLinker()
          .downcallHandle(
              Linker.nativeLinker().defaultLookup().find("sigaction").orElseThrow(),
              FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

  private final MemorySegment[] saved = new MemorySegment[LAST_SIGNAL + 1];

  private JvmSignalHandlers() {}

  /** The current dispositions of signals 1..31. */
  static JvmSignalHandlers snapshot() {
    JvmSignalHandlers snapshot = new JvmSignalHandlers();
    for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
      snapshot.saved[signal] = current(signal, Arena.global());
    }
    return snapshot;
  }

  /** Puts back every disposition that differs from the snapshot; returns the signals restored. */
  List<Integer> restoreChanged() {
    List<Integer> restored = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      for (int signal = 1; signal <= LAST_SIGNAL; signal++) {
        if (signal == SIGKILL || signal == SIGSTOP) {
          continue; // cannot be caught, and sigaction refuses to set them
        }
        // The handler's address (the first field of struct sigaction) tells whether it changed.
        MemorySegment now = current(signal, arena);
        if (now.get(JAVA_LONG, 0) != saved[signal].get(JAVA_LONG, 0)) {
          int result = call(signal, saved[signal], MemorySegment.NULL);
          if (result != 0) {
            throw new IllegalStateException("sigaction(" + signal + ") failed");
          }
          restored.add(signal);
        }
      }
    }
    return restored;
  }

  private static MemorySegment current(int signal, Arena arena) {
    MemorySegment action = arena.allocate(SIGACTION_BYTES);
    action.fill((byte) 0);
    if (call(signal, MemorySegment.NULL, action) != 0) {
      // SIGKILL and SIGSTOP cannot be queried on some kernels: keep the zeros.
      action.fill((byte) 0);
    }
    return action;
  }

  private static int call(int signal, MemorySegment act, MemorySegment old) {
    try {
      return (int) SIGACTION.invokeExact(signal, act, old);
    } catch (Throwable t) {
      throw new IllegalStateException("sigaction downcall failed", t);
    }
  }
}
