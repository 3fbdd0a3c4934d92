package dev.cab.alerts.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.alerts.detect.Finding;
import dev.cab.alerts.detect.Finding.Level;
import dev.cab.alerts.detect.Rule;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");

  private static Finding finding(Level level) {
    String fp = Fingerprints.of("pass_rate_drop", "s2", "s1", "aider", "m", "");
    return new Finding(fp, Rule.PASS_RATE_DROP, "s2", "s1", "aider", "m", "", level, null, "x");
  }

  @Test
  void goesPendingThenFiringThenResolvedWithOneRecordPerTransition() {
    Lifecycle l = new Lifecycle();

    var pending = l.apply(List.of(finding(Level.PENDING)), T0);
    var again = l.apply(List.of(finding(Level.PENDING)), T0.plusSeconds(1));
    var firing = l.apply(List.of(finding(Level.FIRING)), T0.plusSeconds(2));
    var resolved = l.apply(List.of(finding(Level.INACTIVE)), T0.plusSeconds(3));

    assertThat(pending).singleElement().extracting("state").isEqualTo("pending");
    assertThat(again).isEmpty();
    assertThat(firing.getFirst().previousState()).isEqualTo("pending");
    assertThat(firing.getFirst().sequence()).isEqualTo(2);
    assertThat(resolved.getFirst().state()).isEqualTo("resolved");
    assertThat(resolved.getFirst().endsAt()).isEqualTo(T0.plusSeconds(3));
    assertThat(resolved.getFirst().fingerprint()).isEqualTo(pending.getFirst().fingerprint());
  }

  @Test
  void aRestoredStateRepeatsNoTransition() {
    Lifecycle before = new Lifecycle();
    var fired = before.apply(List.of(finding(Level.FIRING)), T0);

    Lifecycle after = new Lifecycle();
    after.restore(fired.getFirst());

    assertThat(after.apply(List.of(finding(Level.FIRING)), T0.plusSeconds(5))).isEmpty();
  }

  @Test
  void fingerprintsAreStableAndDependOnEveryLabel() {
    String a = Fingerprints.of("pass_rate_drop", "s2", "s1", "aider", "m", "");

    assertThat(Fingerprints.of("pass_rate_drop", "s2", "s1", "aider", "m", "")).isEqualTo(a);
    assertThat(Fingerprints.of("pass_rate_drop", "s2", "s0", "aider", "m", "")).isNotEqualTo(a);
    assertThat(a).hasSize(32).matches("[0-9a-f]+");
  }
}
