package dev.cab.alerts.deliver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cab.alerts.config.AlertsSettings;
import dev.cab.model.wire.AlertRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Posts alerts over HTTP: to Alertmanager's {@code /api/v2/alerts} (all alerts in one array,
 * re-sent while firing) or to a webhook (one version-4 payload per transition). 2xx is success;
 * 408, 429, 5xx and I/O errors are retriable; any other status is not (the payload would be refused
 * again) and is reported with the receiver's answer.
 */
public final class HttpReceiver implements Receiver {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final URI uri;
  private final boolean alertmanager;
  private final Duration timeout;
  private final Duration hold;
  private final HttpClient client;

  private HttpReceiver(
      String name, URI uri, boolean alertmanager, Duration timeout, Duration hold) {
    this.name = name;
    this.uri = uri;
    this.alertmanager = alertmanager;
    this.timeout = timeout;
    this.hold = hold;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** Alertmanager at a base URL such as {@code http://alertmanager:9093}. */
  public static HttpReceiver alertmanager(String baseUrl, Duration timeout, Duration resend) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    // Unless re-sent, a firing alert expires after four re-send intervals (Prometheus does the
    // same).
    return new HttpReceiver(
        "alertmanager " + AlertsSettings.redact(base),
        URI.create(base + "/api/v2/alerts"),
        true,
        timeout,
        resend.multipliedBy(4));
  }

  /** A webhook taking Alertmanager's webhook JSON. */
  public static HttpReceiver webhook(String url, Duration timeout) {
    return new HttpReceiver(
        "webhook " + AlertsSettings.redact(url), URI.create(url), false, timeout, Duration.ZERO);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean wantsResend() {
    return alertmanager;
  }

  @Override
  public void send(List<AlertRecord> alerts, Instant now) throws DeliveryException {
    if (alerts.isEmpty()) {
      return;
    }
    if (alertmanager) {
      List<Map<String, Object>> body = new ArrayList<>();
      for (AlertRecord a : alerts) {
        body.add(AlertPayloads.alertmanagerAlert(a, now, hold));
      }
      post(body);
    } else {
      for (AlertRecord a : alerts) {
        post(AlertPayloads.webhook(a, "cab-alerts"));
      }
    }
  }

  private void post(Object body) throws DeliveryException {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new DeliveryException("cannot encode the alerts for " + name, false, e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new DeliveryException(name + " unreachable: " + e, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeliveryException("interrupted while sending to " + name, true, e);
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return;
    }
    String answer = response.body() == null ? "" : response.body().strip();
    if (answer.length() > 300) {
      answer = answer.substring(0, 300) + "...";
    }
    boolean retriable = status == 408 || status == 429 || status >= 500;
    throw new DeliveryException(
        name + " answered HTTP " + status + (answer.isEmpty() ? "" : ": " + answer),
        retriable,
        null);
  }
}
