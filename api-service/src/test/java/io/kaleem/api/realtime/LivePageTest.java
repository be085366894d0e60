package io.kaleem.api.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kaleem.api.support.ApiTest;
import io.kaleem.api.support.CommerceFixtures;
import io.kaleem.api.support.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The /live page in a real headless Chromium: a merchant owner signs in on the page, an order is
 * placed through the API, and the page shows it without a reload.
 */
@ApiTest
class LivePageTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  @Autowired WebTestClient http;
  @Autowired ReactiveMongoTemplate mongo;
  @LocalServerPort int port;
  ChromeDriver browser;

  @BeforeEach
  void startBrowser() {
    assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
        .as(
            "headless page tests need Debian's chromium and chromium-driver:"
                + " apt-get install chromium chromium-driver")
        .isTrue();
    http = http.mutate().responseTimeout(Duration.ofSeconds(60)).build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void aSignedInMerchantSeesANewOrderAppearLive() {
    String email = "live-owner-" + System.nanoTime() + "@example.com";
    String password = "live page password 1";
    @SuppressWarnings("unchecked")
    Map<String, Object> registered =
        http.post()
            .uri("/api/v1/auth/register")
            .header(io.kaleem.api.support.Tokens.ANONYMOUS, "true")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(
                Map.of(
                    "email",
                    email,
                    "password",
                    password,
                    "name",
                    "Live Owner",
                    "accountType",
                    "MERCHANT_OWNER",
                    "merchant",
                    Map.of(
                        "name",
                        Map.of("ar", "متجر حي", "en", "Live Shop"),
                        "slug",
                        "live-" + System.nanoTime(),
                        "country",
                        "SA",
                        "currency",
                        "SAR")))
            .exchange()
            .expectStatus()
            .isCreated()
            .expectBody(Map.class)
            .returnResult()
            .getResponseBody();
    String merchant = (String) ((Map<?, ?>) registered.get("user")).get("merchantId");
    Fixtures fixtures = new Fixtures(http, mongo);
    CommerceFixtures commerce = new CommerceFixtures(http, mongo);
    String product = (String) fixtures.product(merchant, "LIVE-PAGE", "9.99", 40).get("id");
    String customer = commerce.customer("Page Customer");

    browser.get("http://127.0.0.1:" + port + "/live");
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.cssSelector("#signin button")).click();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "live".equals(browser.findElement(By.id("status")).getDomAttribute("data-state")));

    String orderId = (String) commerce.order(merchant, customer, product, 3).get("id");

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !browser
                    .findElements(By.cssSelector("#orders li[data-id='" + orderId + "']"))
                    .isEmpty());
    List<String> rows =
        browser.findElements(By.cssSelector("#orders li")).stream().map(e -> e.getText()).toList();
    assertThat(rows).anySatisfy(r -> assertThat(r).contains("order.created").contains("29.97 SAR"));
  }
}
