package dev.cab.embedded.clickhouse.internal.compression;

import java.io.IOException;
import java.io.Serial;

/** A compressed request body that cannot be decoded, with the ClickHouse error code to report. */
public final class CorruptedBlockException extends IOException {

  @Serial private static final long serialVersionUID = 1L;

  static final int CANNOT_READ_ALL_DATA = 33;
  static final int CHECKSUM_DOESNT_MATCH = 40;
  static final int UNKNOWN_COMPRESSION_METHOD = 89;
  static final int TOO_LARGE_SIZE_COMPRESSED = 39;
  static final int CANNOT_DECOMPRESS = 271;

  private final int errorCode;

  CorruptedBlockException(int errorCode, String message) {
    super(message);
    this.errorCode = errorCode;
  }

  CorruptedBlockException(int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /** The ClickHouse error code (e.g. 40 CHECKSUM_DOESNT_MATCH). */
  public int errorCode() {
    return errorCode;
  }
}
