package dev.cab.collector.redact;

import static dev.cab.collector.redact.SecretRedactor.MASK;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cab.collector.testing.SeedOtlp;
import dev.cab.model.wire.CellIdentity;
import dev.cab.model.wire.ScoreEvent;
import dev.cab.model.wire.SpanRecord;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretRedactorTest {
  private final SecretRedactor redactor = new SecretRedactor();

  @Test
  void masksSeed003ApiKeyInArgvArray() {
    // given seed 003's container argv
    List<Object> argv =
        List.of(
            "--print",
            "--no-session",
            "--offline",
            "--provider",
            "nim",
            "--model",
            "stepfun-ai/step-3.5-flash",
            "--api-key",
            SeedOtlp.SEED_003_KEY,
            "Function uses unwrap on user input; replace with proper Result propagation");

    // when
    SecretRedactor.Result<Object> result = redactor.redactAttribute("argv", argv);

    // then the key is gone, every other element is untouched
    List<?> out = (List<?>) result.value();
    assertThat(out.toString()).doesNotContain("ijYE3GGIl2pTqBtwcCcuaIsZzYIIFrIWLMG3qmOK");
    assertThat(out.get(8)).isEqualTo(MASK);
    assertThat(out.subList(0, 8)).isEqualTo(argv.subList(0, 8));
    assertThat(out.get(9)).isEqualTo(argv.get(9));
    assertThat(result.redactions()).isEqualTo(1);
  }

  @Test
  void masksTheValueAfterACredentialFlagWhateverItsFormat() {
    List<Object> argv = List.of("aider", "--openai-api-key", "plainvalue", "--model", "gpt");
    Object out = redactor.redactAttribute("command", argv).value();
    assertThat(out).isEqualTo(List.of("aider", "--openai-api-key", MASK, "--model", "gpt"));
  }

  @Test
  void keepsTheValueAfterNonCredentialShortFlags() {
    List<Object> argv = List.of("-p", "8080", "-t", "Retry loop condition", "--max-tokens", "100");
    assertThat(redactor.redactAttribute("command", argv).value()).isEqualTo(argv);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sk-ijYE3GGIl2pTqBtwcCcuaIsZzYIIFrIWLMG3qmOK",
        "sk-proj-Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789",
        "sk-ant-api03-Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789-AAAA",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
        "glpat-xxxxxxxxxxxxxxxxxxxx",
        "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
        "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "hf_abcdefghijklmnopqrstuvwxyz0123456789",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
      })
  void masksProviderKeyFormatsInsideText(String secret) {
    // given a key inside a log line
    String text = "calling the API with " + secret + " now";

    // when
    SecretRedactor.Result<String> result = redactor.redactText(text);

    // then
    assertThat(result.value()).doesNotContain(secret).contains(MASK).startsWith("calling the API");
    assertThat(result.redactions()).isEqualTo(1);
  }

  @Test
  void keepsTheNonSecretPrefixOfAKeyFormat() {
    assertThat(redactor.redactText("key " + SeedOtlp.SEED_003_KEY).value())
        .isEqualTo("key sk-" + MASK);
  }

  @Test
  void masksBearerTokensAndAuthorizationHeaders() {
    assertThat(redactor.redactText("Authorization: Bearer x").value())
        .isEqualTo("Authorization: Bearer " + MASK);
    assertThat(redactor.redactText("curl -H 'Authorization: Bearer abc.DEF-123_xyz'").value())
        .isEqualTo("curl -H 'Authorization: Bearer " + MASK + "'");
    assertThat(redactor.redactText("sent Bearer 0123456789abcdef to the proxy").value())
        .isEqualTo("sent Bearer " + MASK + " to the proxy");
    assertThat(redactor.redactText("authorization=Basic dXNlcjpwYXNz").value())
        .isEqualTo("authorization=Basic " + MASK);
  }

  @Test
  void masksCredentialAssignmentsAndFlagsInOneString() {
    assertThat(redactor.redactText("OPENAI_API_KEY=abc123 ./run").value())
        .isEqualTo("OPENAI_API_KEY=" + MASK + " ./run");
    assertThat(redactor.redactText("run --token=abc123 --verbose").value())
        .isEqualTo("run --token=" + MASK + " --verbose");
    assertThat(redactor.redactText("aider --api-key hunter2 --model x").value())
        .isEqualTo("aider --api-key " + MASK + " --model x");
    assertThat(redactor.redactText("login --password 's3cr3t!' --user bob").value())
        .isEqualTo("login --password '" + MASK + "' --user bob");
    assertThat(redactor.redactText("{\"client_secret\": \"abc\", \"n\": 1}").value())
        .isEqualTo("{\"client_secret\": \"" + MASK + "\", \"n\": 1}");
    assertThat(redactor.redactText("postgres://bob:hunter22@db:5432/x").value())
        .isEqualTo("postgres://bob:" + MASK + "@db:5432/x");
    assertThat(redactor.redactText("env: a=1 password=p4ss").value())
        .isEqualTo("env: a=1 password=" + MASK);
  }

  @Test
  void leavesOrdinaryTextAlone() {
    List<String> texts =
        List.of(
            "test tests::bad_input_does_not_panic ... ok",
            "prompt_tokens: 1200, max_tokens=4096",
            "Basic functionality works; token usage: 12",
            "task-setup for sk-learn tutorial",
            "cargo test --release -p mycrate",
            "https://example.com:8080/path?x=1",
            "Retry loop condition negated: retries on success, gives up on error");
    for (String text : texts) {
      SecretRedactor.Result<String> result = redactor.redactText(text);
      assertThat(result.value()).as(text).isEqualTo(text);
      assertThat(result.redactions()).as(text).isZero();
    }
  }

  @Test
  void masksStringsUnderCredentialNamedKeysWholesaleButKeepsCounts() {
    // given
    Map<String, Object> attributes = new LinkedHashMap<>();
    attributes.put("api_key", "anything");
    attributes.put("x-api-key", "anything");
    attributes.put("github.token", "anything");
    attributes.put("db.password", List.of("a", "b"));
    attributes.put("clientSecret", Map.of("v", "anything"));
    attributes.put("gen_ai.usage.input_tokens", 1200L);
    attributes.put("token_count", 3L);
    attributes.put("env_keys", List.of("HOME", "PATH"));
    attributes.put("workdir", "/home/andrew/workdir");

    // when
    SecretRedactor.Result<Map<String, Object>> result = redactor.redactAttributes(attributes);

    // then
    Map<String, Object> out = result.value();
    assertThat(out.get("api_key")).isEqualTo(MASK);
    assertThat(out.get("x-api-key")).isEqualTo(MASK);
    assertThat(out.get("github.token")).isEqualTo(MASK);
    assertThat(out.get("db.password")).isEqualTo(List.of(MASK, MASK));
    assertThat(out.get("clientSecret")).isEqualTo(Map.of("v", MASK));
    assertThat(out.get("gen_ai.usage.input_tokens")).isEqualTo(1200L);
    assertThat(out.get("token_count")).isEqualTo(3L);
    assertThat(out.get("env_keys")).isEqualTo(List.of("HOME", "PATH"));
    assertThat(out.get("workdir")).isEqualTo("/home/andrew/workdir");
    assertThat(out.keySet()).containsExactlyElementsOf(attributes.keySet());
    assertThat(result.redactions()).isEqualTo(6);
  }

  @Test
  void namesCredentialsByWordNotBySubstring() {
    assertThat(SecretRedactor.isCredentialName("OPENAI_API_KEY")).isTrue();
    assertThat(SecretRedactor.isCredentialName("apiKey")).isTrue();
    assertThat(SecretRedactor.isCredentialName("accessToken")).isTrue();
    assertThat(SecretRedactor.isCredentialName("aws_secret_access_key")).isTrue();
    assertThat(SecretRedactor.isCredentialName("prompt_tokens")).isFalse();
    assertThat(SecretRedactor.isCredentialName("tokenizer")).isFalse();
    assertThat(SecretRedactor.isCredentialName("env_keys")).isFalse();
    assertThat(SecretRedactor.isCredentialName("pass")).isFalse();
    assertThat(SecretRedactor.isCredentialName("PWD")).isFalse();
    assertThat(SecretRedactor.isCredentialName("keyword_hits")).isFalse();
  }

  @Test
  void masksNestedLogBodyRecursively() {
    // given a breakdown with secrets at depth, nulls and arrays
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("stderr_tail", "error: 401 for Bearer 0123456789abcdef");
    inner.put("partial_score", null);
    inner.put("args", List.of("--token", "t0k3n", "--x"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("pass", 1L);
    body.put("details", inner);
    body.put("lines", List.of(List.of("ok", "hf_abcdefghijklmnopqrstuvwxyz0123456789")));
    ScoreEvent event =
        new ScoreEvent(
            ScoreEvent.SCHEMA_VERSION,
            new CellIdentity("c", "s", "pi", "m", "t", "cat"),
            null,
            null,
            "pass_rate",
            1.0,
            null,
            "used key sk-ijYE3GGIl2pTqBtwcCcuaIsZzYIIFrIWLMG3qmOK",
            body,
            Map.of(),
            Instant.EPOCH);

    // when
    SecretRedactor.Result<ScoreEvent> result = redactor.redactScore(event);

    // then
    ScoreEvent out = result.value();
    @SuppressWarnings("unchecked")
    Map<String, Object> details = (Map<String, Object>) out.breakdown().get("details");
    assertThat(details.get("stderr_tail")).isEqualTo("error: 401 for Bearer " + MASK);
    assertThat(details).containsEntry("partial_score", null);
    assertThat(details.get("args")).isEqualTo(List.of("--token", MASK, "--x"));
    assertThat(out.breakdown().get("lines")).isEqualTo(List.of(List.of("ok", "hf_" + MASK)));
    assertThat(out.explanation()).isEqualTo("used key sk-" + MASK);
    assertThat(out.breakdown().keySet()).containsExactly("pass", "details", "lines");
    assertThat(result.redactions()).isEqualTo(4);
  }

  @Test
  void masksSpanNameStatusMessageAndResource() {
    SpanRecord span =
        new SpanRecord(
            SpanRecord.SCHEMA_VERSION,
            new CellIdentity("c", null, null, null, null, null),
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            null,
            "call with ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "tool_call",
            Instant.EPOCH,
            Instant.EPOCH,
            "ERROR",
            "401: token=abcdef rejected",
            Map.of("a", 1L),
            Map.of("service.auth_token", "zzz"));

    SecretRedactor.Result<SpanRecord> result = redactor.redactSpan(span);

    assertThat(result.value().name()).isEqualTo("call with ghp_" + MASK);
    assertThat(result.value().statusMessage()).isEqualTo("401: token=" + MASK + " rejected");
    assertThat(result.value().resource()).containsEntry("service.auth_token", MASK);
    assertThat(result.value().attributes()).isEqualTo(Map.of("a", 1L));
    assertThat(result.redactions()).isEqualTo(3);
  }

  @Test
  void masksPemPrivateKeyBlocks() {
    String pem =
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
            + "-----END OPENSSH PRIVATE KEY-----";
    String out = redactor.redactText("key:\n" + pem + "\ndone").value();
    assertThat(out).doesNotContain("b3BlbnNzaC1rZXktdjEAAAAA").endsWith("\ndone");
  }

  @Test
  void isIdempotent() {
    String once =
        redactor.redactText("a --api-key sk-ijYE3GGIl2pTqBtwcCcuaIsZzYIIFrIWLMG3qmOK").value();
    SecretRedactor.Result<String> twice = redactor.redactText(once);
    assertThat(twice.value()).isEqualTo(once);
    assertThat(twice.redactions()).isZero();
    assertThat(Arrays.asList(once.split(" "))).contains("sk-" + MASK);
  }
}
