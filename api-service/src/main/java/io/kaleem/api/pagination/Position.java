package io.kaleem.api.pagination;

import org.bson.types.ObjectId;

/** A row's place in a sorted list: its sort value and its id (the tie-breaker). */
record Position(Object sortValue, ObjectId id) {}
