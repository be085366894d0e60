package io.kaleem.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.kaleem.crds.indexes.IndexCatalog;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class QueryShapeTest {

  @Test
  void keysetQueriesReduceToEqualityAndSort() {
    BsonDocument filter =
        BsonDocument.parse(
            "{$and: [{merchantId: 'm'}, {status: {$in: ['A', 'D']}},"
                + " {$or: [{price: {$gt: 5}}, {price: 5, _id: {$gt: {$oid: '0123456789abcdef01234567'}}}]}]}");
    QueryShape shape = QueryShape.of("products", filter, BsonDocument.parse("{price: 1, _id: 1}"));
    assertThat(shape.equality()).containsExactly("merchantId", "status");
    assertThat(shape.range()).contains("price", "_id");
    assertThat(IndexCatalog.serving("products", shape.equality(), shape.sort())).isPresent();
  }

  @Test
  void detectsAQueryNoIndexServes() {
    QueryShape shape =
        QueryShape.of(
            "products",
            BsonDocument.parse("{merchantId: 'm', currency: 'SAR'}"),
            BsonDocument.parse("{price: 1}"));
    assertThat(IndexCatalog.serving("products", shape.equality(), shape.sort())).isEmpty();
    QueryShape wrongOrder =
        QueryShape.of(
            "orders",
            BsonDocument.parse("{merchantId: 'm'}"),
            BsonDocument.parse("{createdAt: -1, _id: 1}"));
    assertThat(IndexCatalog.serving("orders", wrongOrder.equality(), wrongOrder.sort())).isEmpty();
  }
}
