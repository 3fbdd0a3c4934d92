package dev.cab.dashboards.pages;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The "Explore with your own model" snippets: how each agent CLI is pointed at an OpenAI-compatible
 * endpoint. The published pages show aider's; a cell of another known CLI shows its own first.
 */
final class ByoSnippets {
  private ByoSnippets() {}

  private static final String AIDER =
      """
      # swap base_url, api_key, and model for your endpoint
      export OPENAI_API_BASE="$YOUR_ENDPOINT"
      export OPENAI_API_KEY="$YOUR_KEY"

      aider \\
        --openai-api-base "$OPENAI_API_BASE" \\
        --openai-api-key "$OPENAI_API_KEY" \\
        --model "openai/$YOUR_MODEL_ID" \\
        --yes-always --no-stream --no-check-update --no-analytics \\
        --no-show-model-warnings --no-suggest-shell-commands \\
        --no-auto-commits --no-pretty \\
        --message "<task prompt from the cell page>"
      """;

  private static final Map<String, String> OTHERS =
      Map.of(
          "openhands",
          """
          # OpenHands reads its LLM settings from the environment (LiteLLM naming)
          export LLM_BASE_URL="$YOUR_ENDPOINT"
          export LLM_API_KEY="$YOUR_KEY"
          export LLM_MODEL="openai/$YOUR_MODEL_ID"

          python -m openhands.core.main \\
            -t "<task prompt from the cell page>"
          """,
          "pi",
          """
          # pi takes an OpenAI-compatible provider on the command line
          pi --print --no-session \\
            --provider openai-compatible \\
            --base-url "$YOUR_ENDPOINT" \\
            --api-key "$YOUR_KEY" \\
            --model "$YOUR_MODEL_ID" \\
            "<task prompt from the cell page>"
          """,
          "opencode",
          """
          # opencode: an OpenAI-compatible provider in opencode.json, then run
          export OPENAI_BASE_URL="$YOUR_ENDPOINT"
          export OPENAI_API_KEY="$YOUR_KEY"

          opencode run --model "openai/$YOUR_MODEL_ID" \\
            "<task prompt from the cell page>"
          """);

  static List<CellPage.Snippet> forCell(String tui, String model) {
    List<CellPage.Snippet> out = new ArrayList<>();
    String footer = "\n# Published cell used model: " + model;
    String own = OTHERS.get(tui);
    if (own != null) {
      out.add(new CellPage.Snippet(tui, own + footer));
    }
    out.add(new CellPage.Snippet("aider", AIDER + footer));
    return out;
  }
}
