package io.kaleem.api.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kaleem.api.common.LocalizedText;
import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageInfo;
import io.kaleem.api.products.Product;
import io.kaleem.api.products.ProductStatus;
import java.time.Instant;
import java.util.List;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

class ValueCodecTest {

  final ValueCodec codec = new ValueCodec();

  <T> CacheRegion<T> region(String name, TypeReference<T> type) {
    var t = codec.types().constructType(type);
    return new CacheRegion<>(name, t, ValueCodec.fingerprint(t));
  }

  static Product product() {
    Instant now = Instant.parse("2026-11-26T10:15:30.123456Z");
    return new Product(
        new ObjectId(),
        new ObjectId().toHexString(),
        "SKU-1",
        new LocalizedText("منتج", "Product"),
        null,
        12_345,
        "SAR",
        7,
        ProductStatus.ACTIVE,
        null,
        List.of("a", "b"),
        List.of(),
        List.of("sku", "product"),
        now,
        now);
  }

  @Test
  void aPageOfRecordsSurvivesTheRoundTrip() throws Exception {
    CacheRegion<Page<Product>> pages = region("product-page", new TypeReference<>() {});
    Page<Product> page =
        new Page<>(List.of(product(), product()), new PageInfo(20, true, false, "next", null));
    byte[] bytes = codec.encode(pages, page);
    assertThat(codec.decode(pages, bytes).value()).isEqualTo(page);
  }

  @Test
  void notFoundIsAValueToo() throws Exception {
    CacheRegion<Product> products = region("product", new TypeReference<>() {});
    assertThat(codec.decode(products, codec.encode(products, null)).value()).isNull();
  }

  @Test
  void aValueOfAnotherShapeOrFormatIsUnreadableNotWrong() {
    CacheRegion<Product> products = region("product", new TypeReference<>() {});
    CacheRegion<List<String>> other = region("product", new TypeReference<>() {});
    byte[] written = codec.encode(other, List.of("x"));
    assertThatThrownBy(() -> codec.decode(products, written))
        .isInstanceOfSatisfying(
            ValueCodec.Unreadable.class, e -> assertThat(e.otherVersion).isTrue());
    byte[] oldFormat = codec.encode(products, product());
    oldFormat[0] = 0;
    assertThatThrownBy(() -> codec.decode(products, oldFormat))
        .isInstanceOfSatisfying(
            ValueCodec.Unreadable.class, e -> assertThat(e.otherVersion).isTrue());
  }

  @Test
  void garbageIsUnreadableAndAFenceIsAMiss() throws Exception {
    CacheRegion<Product> products = region("product", new TypeReference<>() {});
    byte[] good = codec.encode(products, product());
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    assertThatThrownBy(() -> codec.decode(products, truncated))
        .isInstanceOfSatisfying(
            ValueCodec.Unreadable.class, e -> assertThat(e.otherVersion).isFalse());
    assertThatThrownBy(() -> codec.decode(products, new byte[] {1, 2}))
        .isInstanceOf(ValueCodec.Unreadable.class);
    assertThat(codec.decode(products, ValueCodec.FENCE)).isNull();
  }

  @Test
  void theFingerprintFollowsTheShape() {
    var a = codec.types().constructType(new TypeReference<Page<Product>>() {});
    var b = codec.types().constructType(new TypeReference<Page<String>>() {});
    assertThat(ValueCodec.fingerprint(a)).isNotEqualTo(ValueCodec.fingerprint(b));
    assertThat(ValueCodec.fingerprint(a))
        .isEqualTo(
            ValueCodec.fingerprint(
                codec.types().constructType(new TypeReference<Page<Product>>() {})));
  }

  @Test
  void keysAndPrefixesFromAdministratorsAreLiteral() {
    assertThat(CacheKeys.validate("product:abc:def", "key", false)).isEqualTo("product:abc:def");
    assertThat(CacheKeys.validate("product", "prefix", true)).isEqualTo("product");
    for (String bad :
        List.of("product:*", "*", "product:a b", "Product:x", "product::x", "", "p:[a]")) {
      assertThatThrownBy(() -> CacheKeys.validate(bad, "key", false))
          .as(bad)
          .isInstanceOf(io.kaleem.api.errors.ApiException.class);
    }
    assertThatThrownBy(() -> CacheKeys.validate("product", "key", false))
        .isInstanceOf(io.kaleem.api.errors.ApiException.class);
  }
}
