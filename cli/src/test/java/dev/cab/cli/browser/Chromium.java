package dev.cab.cli.browser;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven through its chromedriver, for the dashboards' browser tests. When
 * the browser or the driver is missing it installs them ({@code apt-get install -y chromium
 * chromium-driver}) when running as root, and otherwise fails with one line saying what to install:
 * a browser test never passes by being skipped.
 */
public final class Chromium {
  public static final Path BROWSER = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private Chromium() {}

  /** Makes sure both binaries exist, installing them as root. */
  public static void ensureInstalled() {
    DebianPackages.ensure(
        "the browser tests need Chromium",
        List.of(BROWSER, DRIVER),
        List.of("chromium", "chromium-driver"));
  }

  /** A fresh headless browser with its own profile directory under {@code profile}. */
  public static ChromeDriver start(Path profile) {
    ensureInstalled();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1400,1800",
        "--user-data-dir=" + profile.toAbsolutePath());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return driver;
  }
}
