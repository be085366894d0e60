package io.kaleem.api.users;

import io.kaleem.api.pagination.Page;
import io.kaleem.api.pagination.PageParams;
import io.kaleem.api.security.CurrentUser;
import io.kaleem.api.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@Tag(name = "users", description = "Platform users and a merchant's staff")
@RestController
@Validated
@RequestMapping("/api/v1")
class UserController {

  private final UserService users;
  private final CurrentUser caller;

  UserController(UserService users, CurrentUser caller) {
    this.users = users;
    this.caller = caller;
  }

  @Operation(summary = "Create a user")
  @PostMapping("/users")
  Mono<ResponseEntity<UserView>> create(@Valid @RequestBody UserRequests.Create body) {
    return users
        .create(body)
        .map(
            u ->
                ResponseEntity.created(URI.create("/api/v1/users/" + u.id().toHexString()))
                    .body(UserView.of(u)));
  }

  @Operation(summary = "List users (cursor-paginated, filterable, searchable)")
  @GetMapping("/users")
  Mono<Page<UserView>> list(
      @Valid @ParameterObject UserListFilter filter, @ParameterObject PageParams page) {
    return users.list(filter, page).map(p -> p.map(UserView::of));
  }

  /** Every role's own account (the access policy lets any signed-in caller read it). */
  @Operation(summary = "The signed-in user's own account")
  @GetMapping("/users/me")
  Mono<UserView> me() {
    return caller.require().flatMap(me -> users.get(me.userId())).map(UserView::of);
  }

  @Operation(summary = "Get a user")
  @GetMapping("/users/{userId}")
  Mono<UserView> get(@PathVariable String userId) {
    return users.get(userId).map(UserView::of);
  }

  @Operation(summary = "Update a user (fields left out are unchanged)")
  @PatchMapping("/users/{userId}")
  Mono<UserView> update(@PathVariable String userId, @Valid @RequestBody UserRequests.Update body) {
    return users.update(userId, body).map(UserView::of);
  }

  @Operation(summary = "Deactivate a user (kept for orders and tickets)")
  @DeleteMapping("/users/{userId}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  Mono<Void> deactivate(@PathVariable String userId) {
    return users.deactivate(userId).then();
  }

  @Operation(summary = "A merchant's owners and staff, newest first")
  @GetMapping("/merchants/{merchantId}/staff")
  Mono<Page<UserView>> staff(
      @PathVariable String merchantId,
      @RequestParam(required = false) Role role,
      @ParameterObject PageParams page) {
    return users.staff(merchantId, role, page).map(p -> p.map(UserView::of));
  }
}
