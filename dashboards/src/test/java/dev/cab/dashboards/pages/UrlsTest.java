package dev.cab.dashboards.pages;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UrlsTest {
  /** A sweep id with every reserved character a runner has been seen to use, and some more. */
  private static final String SWEEP = "team/nightly #3 100%?é+ü";

  @Test
  void aSweepIdIsOneSegmentItsSlashWrittenPercent2F() {
    assertThat(Urls.sweep(SWEEP))
        .isEqualTo("/sweeps/team%2Fnightly%20%233%20100%25%3F%C3%A9%2B%C3%BC");
    assertThat(Urls.sweepEvents(SWEEP)).isEqualTo(Urls.sweep(SWEEP) + "/events");
    assertThat(Urls.apiSweep(SWEEP)).isEqualTo("/api" + Urls.sweep(SWEEP));
    assertThat(segments(Urls.sweep(SWEEP))).containsExactly("sweeps", SWEEP);
    assertThat(segments(Urls.sweepEvents(SWEEP))).containsExactly("sweeps", SWEEP, "events");
  }

  @Test
  void modelAndTaskKeepTheirSlashLikeThePublishedPagesTheCliDoesNot() {
    assertThat(Urls.cell("openhands", "stepfun-ai/step-3.5-flash", "mutations/rust-error-negated"))
        .isEqualTo("/cell/openhands/stepfun-ai/step-3.5-flash/mutations/rust-error-negated");
    assertThat(Urls.cell("my/cli", "org/model 1", "cat/task?#"))
        .isEqualTo("/cell/my%2Fcli/org/model%201/cat/task%3F%23");
    assertThat(segments(Urls.cell("my/cli", "org/model 1", "cat/task?#")))
        .containsExactly("cell", "my/cli", "org", "model 1", "cat", "task?#");
    assertThat(Urls.badge("my/cli", "org/m", "t/é"))
        .isEqualTo("/badge/my%2Fcli/org/m/t/%C3%A9.svg");
  }

  @Test
  void aCellIdKeepsItsSlashesAndEncodesTheRest() {
    String cellId = SWEEP + "/aider/org/model/cat/task";
    assertThat(Urls.cellById(cellId))
        .isEqualTo(
            "/cells/team/nightly%20%233%20100%25%3F%C3%A9%2B%C3%BC/aider/org/model/cat/task");
    assertThat(String.join("/", segments(Urls.cellById(cellId)))).isEqualTo("cells/" + cellId);
  }

  @Test
  void aLeaderboardRowBadgeHasTheSweepAsOneSegment() {
    assertThat(Urls.sweepBadge(SWEEP, "ai/der", "meta/llama 3"))
        .isEqualTo(Urls.sweep(SWEEP) + "/badge/ai%2Fder/meta/llama%203.svg");
  }

  @Test
  void everyUrlIsAValidUriThatABrowserSendsAsWritten() {
    for (String url :
        List.of(
            Urls.sweep(SWEEP),
            Urls.sweepBadge(SWEEP, "a/b", "c d"),
            Urls.cellById(SWEEP + "/x/y/z"),
            Urls.cell("a b", "c%d", "e#f"))) {
      URI uri = URI.create("http://h" + url);
      assertThat(uri.getRawPath()).as(url).isEqualTo(url);
      assertThat(uri.getRawQuery()).as(url).isNull();
      assertThat(uri.getRawFragment()).as(url).isNull();
    }
  }

  /** The path's segments, each decoded as a server decodes a path parameter. */
  private static List<String> segments(String path) {
    return Arrays.stream(path.substring(1).split("/", -1))
        .map(s -> URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8))
        .toList();
  }
}
