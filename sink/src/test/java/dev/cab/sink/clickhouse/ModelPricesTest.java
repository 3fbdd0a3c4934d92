package dev.cab.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class ModelPricesTest {

  @Test
  void theBundledPricesCoverTheSimulatorsModels() {
    ModelPrices prices = ModelPrices.defaults();

    assertThat(prices.version()).isEqualTo("cab-prices-2026-12-01");
    assertThat(prices.prices())
        .extracting(ModelPrices.Price::model)
        .containsExactlyInAnyOrder(
            "stepfun-ai/step-3.5-flash",
            "meta/llama-3.3-70b-instruct",
            "qwen/qwen3-coder-480b-a35b-instruct",
            "openai/gpt-oss-120b");
  }

  @Test
  void parsesVersionAndPricesSkippingComments() throws Exception {
    ModelPrices prices =
        ModelPrices.parse(
            new StringReader("# c\nversion\tv-2\n\nm/a\t1\t2.5\t0.1\t1.25\n# x\tnot a row\n"), "t");

    assertThat(prices.version()).isEqualTo("v-2");
    assertThat(prices.prices()).containsExactly(new ModelPrices.Price("m/a", 1, 2.5, 0.1, 1.25));
  }

  @Test
  void namesTheLineOfEveryKindOfMistake() {
    assertThatThrownBy(() -> parse("m\t1\t2\t3\t4\n"))
        .hasMessage("prices.tsv: no 'version<TAB><id>' line");
    assertThatThrownBy(() -> parse("version\tv1\nm\t1\t2\t3\n"))
        .hasMessageStartingWith("prices.tsv line 2: want 5 tab-separated fields");
    assertThatThrownBy(() -> parse("version\tv1\nm\t1\t-2\t3\t4\n"))
        .hasMessage("prices.tsv line 2: output must be a non-negative number of USD, not '-2'");
    assertThatThrownBy(() -> parse("version\tv1\nm\t1\t2\t3\t4\nm\t1\t2\t3\t4\n"))
        .hasMessage("prices.tsv line 3: model m is priced twice");
    assertThatThrownBy(() -> parse("version\thas space\n"))
        .hasMessageStartingWith("prices.tsv line 1: want 'version<TAB><id>'");
    assertThatThrownBy(() -> parse("version\tv1\n")).hasMessage("prices.tsv: prices no model");
  }

  private static ModelPrices parse(String text) throws Exception {
    return ModelPrices.parse(new StringReader(text), "prices.tsv");
  }
}
