package dev.cab.model.wire;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a cell stands: its root span has not ended yet, it is whole, or axes are missing. */
public enum CellStatus {
  /** The root ({@code adapter_run}) span has not ended yet. */
  RUNNING,
  /** The root span ended and every required axis arrived. */
  COMPLETE,
  /** The root span ended but required axes are missing (listed in the cell record). */
  INCOMPLETE;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
