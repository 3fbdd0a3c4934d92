package dev.cab.dashboards.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BoardAssemblerTest {
  private static final Duration LIVE = Duration.ofSeconds(60);
  private static final long T0 = 1_764_000_000_000L;

  private static SweepFacts.Landed cell(
      String id, String task, String tui, String status, String outcome, long insertedMillis) {
    return new SweepFacts.Landed(id, task, tui, "m", status, outcome, 0.5, insertedMillis, 1);
  }

  private static SweepFacts facts(
      SweepMarker marker, SweepFacts.Plan plan, List<SweepFacts.Landed> cells) {
    Map<String, SweepFacts.Landed> byId = new LinkedHashMap<>();
    cells.forEach(c -> byId.put(c.cellId(), c));
    return new SweepFacts("s", marker, byId, plan, List.of(), List.of());
  }

  @Test
  void progressCountsTheNewestVersionOfEachCellAsTheSweepProgressViewDoes() {
    // given four landed cells of a plan of 2 tasks x 2 CLIs x 1 model plus one task outside it
    SweepFacts.Plan plan =
        new SweepFacts.Plan(6, List.of("aider", "pi"), List.of("m"), List.of("t1", "t2", "t3"));
    List<SweepFacts.Landed> cells =
        List.of(
            cell("c1", "t1", "aider", "complete", "passed", T0),
            cell("c2", "t1", "pi", "complete", "failed", T0 + 1_000),
            cell("c3", "t2", "aider", "incomplete", "infra_error", T0 + 2_000),
            cell("c4", "t2", "pi", "running", "pending", T0 + 3_000),
            cell("c5", "other", "aider", "complete", "passed", T0 + 4_000));
    SweepMarker marker = new SweepMarker(9, T0, T0 + 4_000, 0, 0, 0);

    // when it is assembled 10 s after the newest insert
    Board board = BoardAssembler.assemble(facts(marker, plan, cells), T0 + 14_000, LIVE);

    // then
    Board.Progress p = board.progress();
    assertThat(p.planned()).isEqualTo(6);
    assertThat(p.landed()).isEqualTo(5);
    assertThat(p.complete()).isEqualTo(3);
    assertThat(p.incomplete()).isEqualTo(1);
    assertThat(p.running()).as("landed, not decided").isEqualTo(1);
    assertThat(p.passed()).isEqualTo(2);
    assertThat(p.failed()).isEqualTo(1);
    assertThat(p.infraFailures()).isEqualTo(1);
    assertThat(p.pending()).as("t3 x aider, t3 x pi").isEqualTo(2);
    assertThat(p.expected()).isEqualTo(7);
    assertThat(p.percent()).isEqualTo(100.0 * 4 / 7);
    assertThat(p.live()).isTrue();
    // 4 decided cells in 4 s: 3 left (1 running + 2 pending) take about 3 s
    assertThat(p.etaSeconds()).isEqualTo(3);
    assertThat(board.lastLandedMillis()).isEqualTo(T0 + 4_000);

    assertThat(board.heatmap().rows())
        .extracting(Board.HeatRow::task)
        .containsExactly("t1", "t2", "t3", "other");
    assertThat(board.heatmap().rows().get(1).squares())
        .extracting(Board.Square::outcome)
        .containsExactly("infra_error", "running");
    assertThat(board.heatmap().rows().get(2).squares())
        .extracting(Board.Square::outcome)
        .containsExactly("pending", "pending");
    assertThat(board.heatmap().rows().get(3).squares())
        .extracting(Board.Square::outcome)
        .containsExactly("passed", "");
  }

  @Test
  void aPairWithACellButNoLeaderboardRowYetStillGetsAColumn() {
    // given a quick board: the leaderboard was read before the first cell of pi landed
    SweepFacts f =
        new SweepFacts(
            "s",
            new SweepMarker(2, T0, T0, 0, 0, 0),
            Map.of(
                "c1", cell("c1", "t1", "aider", "complete", "passed", T0),
                "c2", cell("c2", "t1", "pi", "complete", "failed", T0)),
            SweepFacts.Plan.NONE,
            List.of(
                new Board.LeaderRow(
                    1, "aider", "m", 1, 1, 1, 0, 1.0, null, null, null, null, null, null, null,
                    null, "")),
            List.of());

    Board board = BoardAssembler.assemble(f, T0, LIVE);

    assertThat(board.heatmap().columns())
        .containsExactly(new Board.Column("aider", "m"), new Board.Column("pi", "m"));
    assertThat(board.heatmap().rows().getFirst().squares())
        .extracting(Board.Square::outcome)
        .containsExactly("passed", "failed");
  }

  @Test
  void aCachedBoardIsBroughtToTheCurrentTimeWithoutAssemblingItAgain() {
    SweepMarker marker = new SweepMarker(1, T0, T0 + 2_000, 0, 0, 0);
    SweepFacts f =
        facts(
            marker,
            SweepFacts.Plan.NONE,
            List.of(
                cell("c1", "t1", "aider", "complete", "passed", T0),
                cell("c2", "t2", "aider", "running", "pending", T0 + 2_000)));
    Board built = BoardAssembler.assemble(f, T0 + 2_000, LIVE);
    assertThat(built.progress().live()).isTrue();
    assertThat(built.progress().etaSeconds()).isEqualTo(2);

    assertThat(BoardAssembler.at(built, marker, T0 + 2_500, LIVE)).isSameAs(built);
    Board later = BoardAssembler.at(built, marker, T0 + 2_000 + LIVE.toMillis() + 1, LIVE);

    assertThat(later.progress().live()).isFalse();
    assertThat(later.progress().etaSeconds()).isEqualTo(-1);
    assertThat(later.heatmap()).isSameAs(built.heatmap());
    assertThat(later.progress().landed()).isEqualTo(2);
  }

  @Test
  void theTimelineIsCumulativePerBucketOfInsertTime() {
    // given four cells inserted over 241 s
    List<SweepFacts.Landed> cells =
        List.of(
            cell("a", "t", "x", "complete", "passed", 1_000_000L),
            cell("b", "t", "y", "complete", "failed", 1_000_500L),
            cell("c", "t", "z", "complete", "infra_error", 1_003_200L),
            cell("d", "u", "x", "complete", "passed", 1_241_000L));

    Board.Timeline tl = BoardAssembler.timeline(cells, 1_000_000L, 1_241_000L);

    // step = 241 s / 120 + 1 = 3 s; buckets start at multiples of 3 s from the epoch
    assertThat(tl.seconds()).containsExactly(999L, 1002L, 1239L);
    assertThat(tl.landed()).containsExactly(2L, 3L, 4L);
    assertThat(tl.passRate()).containsExactly(0.5, 0.5, 2.0 / 3);
    assertThat(List.of(tl.fromSeconds(), tl.toSeconds()))
        .as("over two minutes: the span itself")
        .containsExactly(999L, 1239L);
  }

  @Test
  void aSweepThatLandedWithinASecondGetsMinutesOfTimeAxis() {
    // given 12 cells inserted within one second (the board-plan sweep of CI run 8483be6, whose
    // charts spanned Dec 2026 to Sep 2029)
    long t = 1_796_400_446_000L; // 2026-12-04T16:07:26Z
    List<SweepFacts.Landed> cells = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      cells.add(cell("c" + i, "t" + i, "x", "complete", "passed", t + i * 50));
    }

    Board.Timeline tl = BoardAssembler.timeline(cells, t, t + 550);

    // then one point, in the middle of an axis of two minutes
    assertThat(tl.seconds()).containsExactly(t / 1000);
    assertThat(tl.fromSeconds()).isEqualTo(1_796_400_386L); // 16:06:26Z
    assertThat(tl.toSeconds()).isEqualTo(1_796_400_506L); // 16:08:26Z
  }

  @Test
  void aShortSpanIsCentredInTwoMinutesOfAxisAndALongOneIsItsOwnAxis() {
    for (long span = 0; span < 400; span += 7) {
      for (long first = 1_000_000_000L; first < 1_000_000_060L; first += 13) {
        BoardAssembler.TimeAxis axis = BoardAssembler.TimeAxis.of(first, first + span);
        assertThat(axis.fromSeconds()).isLessThanOrEqualTo(first);
        assertThat(axis.toSeconds()).isGreaterThanOrEqualTo(first + span);
        if (span < BoardAssembler.MIN_TIME_AXIS_SECONDS) {
          assertThat(axis.toSeconds() - axis.fromSeconds())
              .as("span %d from %d", span, first)
              .isEqualTo(BoardAssembler.MIN_TIME_AXIS_SECONDS);
          assertThat((first - axis.fromSeconds()) - (axis.toSeconds() - first - span))
              .as("as much room before as after")
              .isBetween(-1L, 1L);
        } else {
          assertThat(axis).isEqualTo(new BoardAssembler.TimeAxis(first, first + span));
        }
      }
    }
    assertThat(BoardAssembler.timeline(List.of(), 0, 0).toSeconds()).isZero();
  }
}
