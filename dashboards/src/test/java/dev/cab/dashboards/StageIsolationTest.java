package dev.cab.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A stage never imports another stage: the dashboards see only {@code model}. */
class StageIsolationTest {
  @Test
  void dashboardsImportNoOtherStage() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      List<String> offending =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .flatMap(
                  p -> {
                    try {
                      return Files.readAllLines(p).stream()
                          .filter(
                              l ->
                                  l.matches(
                                      "import\\s+dev\\.cab\\.(collector|streams|sink|runner|cli|embedded)\\..*"))
                          .map(l -> p + ": " + l);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  })
              .toList();
      assertThat(offending).isEmpty();
    }
  }
}
