package io.kaleem.bench.bare;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** One static JSON route through WebFlux's annotated-controller path, as the API's routes are. */
@SpringBootApplication
@RestController
public class BareApp {

  private static final Map<String, String> BODY = Map.of("status", "UP");

  public static void main(String[] args) {
    SpringApplication.run(BareApp.class, args);
  }

  @GetMapping("/bare")
  Map<String, String> bare() {
    return BODY;
  }
}
