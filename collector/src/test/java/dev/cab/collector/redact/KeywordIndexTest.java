package dev.cab.collector.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link KeywordIndex} finds exactly the rules a naive case-insensitive search for each keyword
 * finds: with the default rules on both corpora, and with more than 64 rules (rule sets of several
 * words) on random texts.
 */
class KeywordIndexTest {

  @Test
  void findsTheRulesANaiveSearchFindsOnTheCorpora() {
    List<List<String>> keywords =
        SecretRules.defaults().rules().stream().map(SecretRules.Rule::keywords).toList();
    KeywordIndex index = new KeywordIndex(keywords);
    List<String> texts = new ArrayList<>();
    SecretCorpus.lookAlikes().forEach(l -> texts.add(l.text()));
    SecretCorpus.secrets().forEach(p -> texts.add(p.text()));
    int hit = 0;

    for (String text : texts) {
      BitSet expected = naive(keywords, text);
      assertThat(index.matches(text)).as(text).isEqualTo(expected);
      hit += expected == null ? 0 : 1;
    }
    assertThat(hit).isGreaterThan(texts.size() / 2);
  }

  @Test
  void findsTheRulesANaiveSearchFindsAmongMoreThanSixtyFourRules() {
    SplittableRandom r = new SplittableRandom(20261203L);
    String alphabet = "abcXYZ=:-_";
    List<List<String>> keywords = new ArrayList<>();
    for (int rule = 0; rule < 150; rule++) {
      List<String> ruleKeywords = new ArrayList<>();
      for (int k = 1 + r.nextInt(3); k > 0; k--) {
        ruleKeywords.add(random(r, alphabet, 1 + r.nextInt(4)));
      }
      keywords.add(ruleKeywords);
    }
    KeywordIndex index = new KeywordIndex(keywords);

    for (int i = 0; i < 2_000; i++) {
      String text = random(r, alphabet + "é ", r.nextInt(40));
      assertThat(index.matches(text)).as(text).isEqualTo(naive(keywords, text));
    }
  }

  private static BitSet naive(List<List<String>> keywords, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    BitSet hits = new BitSet();
    for (int rule = 0; rule < keywords.size(); rule++) {
      for (String k : keywords.get(rule)) {
        if (lower.contains(k.toLowerCase(Locale.ROOT))) {
          hits.set(rule);
        }
      }
    }
    return hits.isEmpty() ? null : hits;
  }

  private static String random(SplittableRandom r, String alphabet, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }
}
