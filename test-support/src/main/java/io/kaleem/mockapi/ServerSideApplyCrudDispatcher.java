package io.kaleem.mockapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fabric8 CRUD mock API server plus the part of <a
 * href="https://kubernetes.io/docs/reference/using-api/server-side-apply/">server-side apply</a>
 * the operator relies on, so tests run the production write path (the CRUD mock alone answers 415
 * to {@code application/apply-patch+yaml}).
 *
 * <p>Mirrored rules:
 *
 * <ul>
 *   <li>a PATCH with content type {@code application/apply-patch+yaml} (YAML or JSON body) needs a
 *       {@code fieldManager} query parameter (400 without) and an applied configuration without
 *       managedFields (400 "metadata.managedFields must be nil"); it creates the object when absent
 *       (201) and otherwise merges the applied configuration into the live object (200);
 *   <li>a {@code metadata.resourceVersion} in the applied configuration is a precondition on an
 *       existing object (409 when it differs; JOSDK sends {@code "1"} on create so that an existing
 *       object is never adopted); on an absent object it is ignored;
 *   <li>the manager's field set is the set of fields in its applied configuration; a field it owned
 *       in its previous apply and omits now is removed from the object unless another manager still
 *       owns it; fields it never applied (another writer's labels, annotations, the status, an
 *       autoscaler's replicas) stay as they are;
 *   <li>with {@code force=true} a field whose value changes moves from its other managers to the
 *       applier; a field applied with the value it already had is shared. JOSDK always applies with
 *       force, so a conflict answer (409 without force) is not implemented: without force the apply
 *       behaves as forced;
 *   <li>{@code metadata.managedFields} gets one entry per applying manager (manager, operation
 *       {@code Apply}, apiVersion, fieldsType {@code FieldsV1}, fieldsV1 with {@code f:} keys), the
 *       form JOSDK's {@code SSABasedGenericKubernetesResourceMatcher} reads; {@code status}, {@code
 *       apiVersion}, {@code kind}, {@code metadata.name/namespace} and server-set metadata are
 *       never owned;
 *   <li>the write goes through the CRUD dispatcher's own POST/PUT handlers, so resourceVersion,
 *       generation and watch events are exactly the mock's; an apply that changes nothing sends no
 *       event and keeps the resourceVersion; a concurrent write between our read and our PUT is
 *       caught by the resourceVersion check and the apply is redone.
 * </ul>
 *
 * <p>Simplified:
 *
 * <ul>
 *   <li>every list is atomic (owned and replaced as a whole, {@code f:containers: {}}), where the
 *       API server merges {@code containers}, {@code ports}, {@code env}, {@code volumes} by key
 *       ({@code k:{"name":...}}). Our dependents always apply whole lists and no other writer edits
 *       items of them, so the result is the same; JOSDK's matcher reads an atomic entry as "the
 *       whole value is managed";
 *   <li>non-apply writes (POST, PUT, JSON / merge patch) record no {@code Update} entry: they keep
 *       the managedFields they are given (a PUT without any keeps the stored ones). So a field of
 *       ours edited by another writer stays ours, and is removed if we stop applying it; a real API
 *       server would hand it to the editor and keep it;
 *   <li>no schema: {@code null} in an applied configuration is a value, not a removal; {@code
 *       managedFields.time} is not written.
 * </ul>
 */
public class ServerSideApplyCrudDispatcher extends KubernetesCrudDispatcher {

  static final String APPLY_PATCH = "application/apply-patch+yaml";

  /** Marks a failed resourceVersion precondition, final (not a race to retry). */
  private static final String PRECONDITION = "X-Kaleem-Apply-Precondition";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> UNOWNED_METADATA =
      Set.of(
          "name",
          "namespace",
          "uid",
          "resourceVersion",
          "generation",
          "creationTimestamp",
          "deletionTimestamp",
          "managedFields",
          "selfLink");

  public ServerSideApplyCrudDispatcher() {
    super(List.of());
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    String type = request.getHeader("Content-Type");
    if (type == null || !type.startsWith(APPLY_PATCH)) {
      return super.handlePatch(request);
    }
    String path = request.getPath();
    Map<String, String> query = query(path);
    String manager = query.get("fieldManager");
    if (manager == null || manager.isEmpty()) {
      return status(400, "BadRequest", "fieldManager is required for apply requests");
    }
    ObjectNode applied;
    try {
      applied = (ObjectNode) YAML.readTree(request.getBody().readUtf8());
    } catch (Exception e) {
      return status(400, "BadRequest", "the applied configuration is not an object");
    }
    JsonNode sentFields = applied.path("metadata").path("managedFields");
    if (sentFields.isArray() && !sentFields.isEmpty()) {
      return status(400, "BadRequest", "metadata.managedFields must be nil");
    }
    String objectPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    // Optimistic: a write between our read and our PUT (a status update, a hand edit) makes the
    // PUT's resourceVersion stale (409), and the apply is computed again on the new object.
    for (int attempt = 0; ; attempt++) {
      var live = findResource(getKey(objectPath));
      MockResponse r =
          live == null
              ? create(objectPath, manager, applied.deepCopy())
              : update(objectPath, manager, applied.deepCopy(), live.getValue());
      if (r.code() != 409 || attempt > 20 || r.header(PRECONDITION) != null) {
        return r;
      }
    }
  }

  /**
   * A PUT that carries no managedFields keeps the stored ones, as the API server does (an update
   * never drops field ownership by omission).
   */
  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    String body = request.getBody().readUtf8();
    JsonNode updated = read(body);
    var live = findResource(getKey(request.getPath()));
    if (live != null
        && updated.path("metadata") instanceof ObjectNode meta
        && !meta.has("managedFields")) {
      JsonNode stored = read(live.getValue()).path("metadata").path("managedFields");
      if (stored.isArray()) {
        meta.set("managedFields", stored);
        body = updated.toString();
      }
    }
    return super.handleUpdate(
        new RecordedRequest(
            request.getHttpVersion(),
            request.method(),
            request.getPath(),
            request.getHeaders(),
            new Buffer(body.getBytes(StandardCharsets.UTF_8))));
  }

  private MockResponse create(String objectPath, String manager, ObjectNode applied) {
    ObjectNode meta = applied.withObjectProperty("metadata");
    meta.remove("resourceVersion");
    applied.remove("status");
    meta.set("managedFields", JsonNodeFactory.instance.arrayNode().add(entry(manager, applied)));
    String collection = objectPath.substring(0, objectPath.lastIndexOf('/'));
    return handleCreate(synthetic(HttpMethod.POST, collection, applied));
  }

  private MockResponse update(
      String objectPath, String manager, ObjectNode applied, String liveJson) {
    ObjectNode live = (ObjectNode) read(liveJson);
    ObjectNode liveMeta = (ObjectNode) live.get("metadata");
    String rv = liveMeta.path("resourceVersion").asText();
    String precondition = applied.path("metadata").path("resourceVersion").asText("");
    if (!precondition.isEmpty() && !precondition.equals(rv)) {
      return status(
              409,
              "Conflict",
              "Operation cannot be fulfilled: the object has been modified; please apply your"
                  + " changes to the latest version and try again")
          .addHeader(PRECONDITION, "resourceVersion");
    }
    applied.remove("status");
    applied.withObjectProperty("metadata").remove("resourceVersion");

    Set<List<String>> previous = new LinkedHashSet<>();
    Set<List<String>> ownedByOthers = new LinkedHashSet<>();
    for (JsonNode e : liveMeta.path("managedFields")) {
      boolean ours = manager.equals(e.path("manager").asText()) && isApply(e);
      Set<List<String>> fields = new LinkedHashSet<>();
      leavesOfFieldSet(e.path("fieldsV1"), new ArrayList<>(), fields);
      (ours ? previous : ownedByOthers).addAll(fields);
    }
    Set<List<String>> now = new LinkedHashSet<>();
    leavesOfObject(applied, new ArrayList<>(), now, true);

    ObjectNode result = live.deepCopy();
    for (List<String> p : previous) {
      if (!now.contains(p) && !ownedByOthers.contains(p)) {
        remove(result, p);
      }
    }
    merge(result, applied);
    // Force: a field whose value the apply changed is no longer another manager's. Entries keep
    // their order, so an apply that changes nothing leaves the object byte for byte as it was.
    ArrayNode entries = JsonNodeFactory.instance.arrayNode();
    boolean placed = false;
    for (JsonNode e : liveMeta.path("managedFields")) {
      if (manager.equals(e.path("manager").asText()) && isApply(e)) {
        entries.add(entry(manager, applied));
        placed = true;
        continue;
      }
      if (!isApply(e)) {
        entries.add(e);
        continue;
      }
      Set<List<String>> fields = new LinkedHashSet<>();
      leavesOfFieldSet(e.path("fieldsV1"), new ArrayList<>(), fields);
      fields.removeIf(p -> now.contains(p) && !at(live, p).equals(at(result, p)));
      if (!fields.isEmpty()) {
        ObjectNode copy = ((ObjectNode) e).deepCopy();
        copy.set("fieldsV1", fieldSet(fields));
        entries.add(copy);
      }
    }
    if (!placed) {
      entries.add(entry(manager, applied));
    }
    ObjectNode resultMeta = (ObjectNode) result.get("metadata");
    resultMeta.set("managedFields", entries);
    resultMeta.put("resourceVersion", rv);
    if (result.equals(live)) {
      // No change: no write, no watch event, the same resourceVersion (as the API server).
      return new MockResponse()
          .setResponseCode(200)
          .addHeader("Content-Type", "application/json")
          .setBody(liveJson);
    }
    return handleUpdate(synthetic(HttpMethod.PUT, objectPath, result));
  }

  private static boolean isApply(JsonNode entry) {
    return "Apply".equals(entry.path("operation").asText());
  }

  /** This manager's Apply entry: the fields of {@code applied}. */
  private static ObjectNode entry(String manager, ObjectNode applied) {
    Set<List<String>> fields = new LinkedHashSet<>();
    leavesOfObject(applied, new ArrayList<>(), fields, true);
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("manager", manager);
    e.put("operation", "Apply");
    e.put("apiVersion", applied.path("apiVersion").asText());
    e.put("fieldsType", "FieldsV1");
    e.set("fieldsV1", fieldSet(fields));
    return e;
  }

  /**
   * The owned leaves of an object: paths to scalars, lists (atomic) and empty objects, each element
   * a field name.
   */
  private static void leavesOfObject(
      JsonNode node, List<String> at, Set<List<String>> out, boolean top) {
    boolean any = false;
    for (var f : node.properties()) {
      String k = f.getKey();
      if (top && (k.equals("apiVersion") || k.equals("kind") || k.equals("status"))) {
        continue;
      }
      if (at.size() == 1 && at.get(0).equals("metadata") && UNOWNED_METADATA.contains(k)) {
        continue;
      }
      List<String> p = new ArrayList<>(at);
      p.add(k);
      any = true;
      if (f.getValue().isObject()) {
        leavesOfObject(f.getValue(), p, out, false);
      } else {
        out.add(List.copyOf(p));
      }
    }
    if (!any && !top && !(at.size() == 1 && at.get(0).equals("metadata"))) {
      out.add(List.copyOf(at));
    }
  }

  /** FieldsV1: {@code {"f:spec":{"f:replicas":{}}}}. */
  private static ObjectNode fieldSet(Set<List<String>> leaves) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    for (List<String> p : leaves) {
      ObjectNode n = root;
      for (String k : p) {
        n = n.withObjectProperty("f:" + k);
      }
    }
    return root;
  }

  private static void leavesOfFieldSet(JsonNode set, List<String> at, Set<List<String>> out) {
    boolean any = false;
    for (var f : set.properties()) {
      if (!f.getKey().startsWith("f:")) {
        continue; // "." and k:/v: keys: this extension writes none
      }
      any = true;
      List<String> p = new ArrayList<>(at);
      p.add(f.getKey().substring(2));
      leavesOfFieldSet(f.getValue(), p, out);
    }
    if (!any && !at.isEmpty()) {
      out.add(List.copyOf(at));
    }
  }

  private static JsonNode at(JsonNode n, List<String> p) {
    for (String k : p) {
      n = n.path(k);
    }
    return n;
  }

  private static void remove(ObjectNode n, List<String> p) {
    JsonNode parent = at(n, p.subList(0, p.size() - 1));
    if (parent instanceof ObjectNode o) {
      o.remove(p.get(p.size() - 1));
    }
  }

  /** Objects merge field by field; scalars and (atomic) lists replace. */
  private static void merge(ObjectNode target, ObjectNode applied) {
    for (var f : applied.properties()) {
      JsonNode t = target.get(f.getKey());
      if (f.getValue().isObject() && t instanceof ObjectNode to) {
        merge(to, (ObjectNode) f.getValue());
      } else {
        target.set(f.getKey(), f.getValue().deepCopy());
      }
    }
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static RecordedRequest synthetic(HttpMethod method, String path, JsonNode body) {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    return new RecordedRequest(
        "HTTP/1.1",
        method,
        path,
        Headers.builder().add("Content-Type", "application/json").build(),
        new Buffer(bytes));
  }

  private static Map<String, String> query(String path) {
    Map<String, String> out = new java.util.HashMap<>();
    int q = path.indexOf('?');
    if (q < 0) {
      return out;
    }
    for (String kv : path.substring(q + 1).split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        out.put(
            URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static MockResponse status(int code, String reason, String message) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("apiVersion", "v1");
    s.put("kind", "Status");
    s.put("status", "Failure");
    s.put("reason", reason);
    s.put("code", code);
    s.put("message", message);
    return new MockResponse()
        .setResponseCode(code)
        .addHeader("Content-Type", "application/json")
        .setBody(s.toString());
  }
}
