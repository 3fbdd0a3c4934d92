package dev.cab.collector.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretRulesTest {
  private final SecretRules rules = SecretRules.defaults();
  private final SecretRedactor redactor = new SecretRedactor(rules);

  @Test
  void everyRuleMasksTheSampleThatMotivatesIt() {
    assertThat(rules.rules()).hasSizeGreaterThan(50);
    for (SecretRules.Rule rule : rules.rules()) {
      // the rule alone matches its sample...
      assertThat(rule.pattern().matcher(rule.sample()).find())
          .as("%s matches its sample %s", rule.id(), rule.sample())
          .isTrue();
      // ...one of its keywords is in it (else the rule would never run)...
      assertThat(rule.keywords())
          .as("%s has a keyword in its sample", rule.id())
          .anyMatch(k -> rule.sample().toLowerCase(java.util.Locale.ROOT).contains(k));
      // ...and the redactor masks it
      String out = redactor.redactText(rule.sample()).value();
      assertThat(out).as(rule.id()).contains(SecretRedactor.MASK).isNotEqualTo(rule.sample());
    }
  }

  @Test
  void ruleIdsAreUnique() {
    List<String> ids = rules.rules().stream().map(SecretRules.Rule::id).toList();
    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void rejectsABrokenRuleNamingIt() {
    String words =
        "words credential token\nwords key-qualifier api\nwords provider x\nwords not-credential max\n";
    assertThatThrownBy(
            () -> SecretRules.parse(words + "\nrule r1\nkeywords a\nregex (\nsample a\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rule r1")
        .hasMessageContaining("bad regex");
    assertThatThrownBy(() -> SecretRules.parse(words + "\nrule r2\nregex a\nsample a\n"))
        .hasMessageContaining("keywords");
    assertThatThrownBy(() -> SecretRules.parse("rule r3\nkeywords a\nregex a\nsample a\n"))
        .hasMessageContaining("word list");
  }

  @Test
  void keywordIndexFindsOnlyTheRulesWhoseKeywordsOccur() {
    KeywordIndex index =
        new KeywordIndex(
            List.of(List.of("ghp_"), List.of("hooks.slack.com", "xoxb-"), List.of("sk-")));
    assertThat(index.matches("plain text, nothing here")).isNull();
    assertThat(index.matches("token GHP_abc").stream().toArray()).containsExactly(0);
    assertThat(index.matches("https://hooks.slack.com/x and sk-1").stream().toArray())
        .containsExactly(1, 2);
    assertThat(index.matches("ask-me xoxb-1").stream().toArray()).containsExactly(1, 2);
  }
}
