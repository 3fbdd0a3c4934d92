package dev.cab.collector.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.collector.redact.SecretCorpus.LookAlike;
import dev.cab.collector.redact.SecretCorpus.Planted;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The redaction judged against the corpora: every synthetic credential planted in every place a
 * runner can put text must be masked; at most 1% of the look-alikes may be touched.
 */
class SecretCorpusTest {
  private static final CellIdentity CELL =
      new CellIdentity("cell-1", "sweep-1", "aider", "model", "task", "category");
  private final SecretRedactor redactor = new SecretRedactor();

  /** Every place a runner can put text, each a function from the text to what would be stored. */
  private final Map<String, Function<String, String>> places = places();

  private Map<String, Function<String, String>> places() {
    Map<String, Function<String, String>> p = new LinkedHashMap<>();
    p.put(
        "span attribute", t -> stored(span("tool_call", null, Map.of("tool.output", t), Map.of())));
    p.put(
        "argv element",
        t ->
            stored(
                span(
                    "run",
                    null,
                    Map.of("process.command_args", List.of("bash", "-lc", t)),
                    Map.of())));
    p.put(
        "argv split",
        t -> stored(span("run", null, Map.of("process.command_args", commandLine(t)), Map.of())));
    p.put("span name", t -> stored(span(t, null, Map.of(), Map.of())));
    p.put("status message", t -> stored(span("run", t, Map.of(), Map.of())));
    p.put(
        "resource attribute",
        t -> stored(span("run", null, Map.of(), Map.of("deployment.note", t))));
    p.put("scorer explanation", t -> stored(score(t, Map.of(), Map.of())));
    p.put(
        "scorer body",
        t ->
            stored(
                score(
                    null,
                    Map.of("details", Map.of("stderr_tail", t), "lines", List.of("ok", t)),
                    Map.of())));
    p.put("log attribute", t -> stored(score(null, Map.of(), Map.of("log.record.original", t))));
    return p;
  }

  @Test
  void masksEveryPlantedCredentialInEveryPlace() {
    // given the corpus of synthetic credentials
    List<Planted> corpus = SecretCorpus.secrets();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(150);

    // when each is planted in each place
    int planted = 0;
    List<String> leaks = new ArrayList<>();
    Map<String, int[]> byPlace = new LinkedHashMap<>();
    for (Planted p : corpus) {
      for (Map.Entry<String, Function<String, String>> place : places.entrySet()) {
        planted++;
        String stored = place.getValue().apply(p.text());
        int[] figures = byPlace.computeIfAbsent(place.getKey(), k -> new int[2]);
        figures[1]++;
        if (p.leaksInto(stored)) {
          leaks.add(place.getKey() + " / " + p.provider() + ": " + p.text());
        } else {
          figures[0]++;
        }
      }
    }

    // then none survives anywhere
    System.out.printf(
        "secrets corpus: %d credentials x %d places: caught %d / %d planted%n",
        corpus.size(), places.size(), planted - leaks.size(), planted);
    byPlace.forEach((k, v) -> System.out.printf("  %-20s %d / %d%n", k, v[0], v[1]));
    assertThat(leaks).as("leaked").isEmpty();
  }

  @Test
  void leavesAtMostOnePercentOfTheLookAlikesMasked() {
    // given the look-alikes, each under its key and in free text
    List<LookAlike> corpus = SecretCorpus.lookAlikes();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(150);

    // when redacted
    List<String> masked = new ArrayList<>();
    Map<String, int[]> byCategory = new TreeMap<>();
    for (LookAlike l : corpus) {
      String key = l.key().isEmpty() ? "stdout" : l.key();
      Object asAttribute = redactor.redactAttribute(key, l.text()).value();
      String asText = redactor.redactText(l.text()).value();
      boolean touched = !l.text().equals(asAttribute) || !l.text().equals(asText);
      int[] figures = byCategory.computeIfAbsent(l.category(), k -> new int[2]);
      figures[1]++;
      if (touched) {
        figures[0]++;
        masked.add(key + "=" + l.text() + " -> " + asAttribute + " / " + asText);
      }
    }

    // then at most 1% were touched
    System.out.printf("look-alikes: masked %d / %d%n", masked.size(), corpus.size());
    byCategory.forEach((k, v) -> System.out.printf("  %-14s masked %d / %d%n", k, v[0], v[1]));
    masked.forEach(m -> System.out.println("  masked: " + m));
    assertThat(masked.size())
        .as("look-alikes masked: %s", masked)
        .isLessThanOrEqualTo(corpus.size() / 100);
  }

  @Test
  void keepsTheTokenCountMessageOfTheIssue() {
    Object out =
        redactor
            .redactAttribute("token_count_msg", "tokens_per_correct_task=18234 prompt_tokens=12000")
            .value();
    assertThat(out).isEqualTo("tokens_per_correct_task=18234 prompt_tokens=12000");
  }

  /**
   * The argv a shell would make of a command-line sample (quotes respected); any other sample
   * (JSON, YAML, headers, several lines) travels as one element, as no shell would split it.
   */
  static List<Object> commandLine(String text) {
    if (!COMMAND.matcher(text).find() || text.contains("\n")) {
      return List.of(text);
    }
    List<Object> argv = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    char quote = 0;
    for (char c : text.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ' ') {
        if (!word.isEmpty()) {
          argv.add(word.toString());
          word.setLength(0);
        }
      } else {
        word.append(c);
      }
    }
    if (!word.isEmpty()) {
      argv.add(word.toString());
    }
    return argv;
  }

  /** A command word then a space, not a {@code name:} or {@code name =} line. */
  private static final java.util.regex.Pattern COMMAND =
      java.util.regex.Pattern.compile("^[a-z][a-z0-9._-]* (?![=:])");

  private SpanRecord span(
      String name, String status, Map<String, Object> attributes, Map<String, Object> resource) {
    return new SpanRecord(
        SpanRecord.SCHEMA_VERSION,
        CELL,
        "0af7651916cd43dd8448eb211c80319c",
        "b7ad6b7169203331",
        null,
        name,
        "tool_call",
        Instant.EPOCH,
        Instant.EPOCH,
        status == null ? "OK" : "ERROR",
        status,
        attributes,
        resource);
  }

  private ScoreEvent score(
      String explanation, Map<String, Object> body, Map<String, Object> attributes) {
    return new ScoreEvent(
        ScoreEvent.SCHEMA_VERSION,
        CELL,
        null,
        null,
        "pass_rate",
        1.0,
        null,
        explanation,
        body,
        attributes,
        Instant.EPOCH);
  }

  private String stored(SpanRecord span) {
    SpanRecord out = redactor.redactSpan(span).value();
    return String.join(
        "\u0000",
        String.valueOf(out.name()),
        String.valueOf(out.statusMessage()),
        String.valueOf(out.attributes()),
        String.valueOf(out.resource()));
  }

  private String stored(ScoreEvent event) {
    ScoreEvent out = redactor.redactScore(event).value();
    return String.join(
        "\u0000",
        String.valueOf(out.explanation()),
        String.valueOf(out.breakdown()),
        String.valueOf(out.attributes()),
        Arrays.toString(new Object[] {out.scoreLabel()}));
  }

  @Test
  void theGateOnNamedRulesChangesNoResult() {
    // given the redactor with and without the gate that skips named rules on texts holding no
    // credential or provider word
    SecretRedactor ungated = new SecretRedactor(SecretRules.defaults(), false);
    List<String> texts = new ArrayList<>();
    SecretCorpus.secrets().forEach(p -> texts.add(p.text()));
    SecretCorpus.lookAlikes().forEach(l -> texts.add(l.text()));
    // and name/value shapes of every separator, with and without credential words in the name
    for (String name : List.of("workdir", "GITHUB_TOKEN", "apiKey", "datadog.app", "PGPASSWORD")) {
      for (String sep : List.of("=", ": ", "\": \"", " --", "-")) {
        texts.add(name + sep + "Zx9Qw3Lm8Rt2Yp7Vb4Nk");
        texts.add("run --" + name + sep + "/home/runner/x-y_z:1");
      }
    }

    for (String t : texts) {
      // when both redact it
      SecretRedactor.Result<String> gated = redactor.redactText(t);
      SecretRedactor.Result<String> plain = ungated.redactText(t);
      // then they agree on the text and on the number of masks
      assertThat(gated).as(t).isEqualTo(plain);
    }
  }
}
