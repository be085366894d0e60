package io.kaleem.testsupport.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The final stage of a Dockerfile (the image it ships), read as far as the comparison with the Jib
 * image needs: the last value of USER, WORKDIR, ENTRYPOINT (exec form only: the shell form would
 * put a shell in front of the entrypoint), every EXPOSE, ENV and COPY destination, and HEALTHCHECK.
 */
public record DockerfileStage(
    String user,
    String workdir,
    List<String> entrypoint,
    List<String> exposedPorts,
    Map<String, String> env,
    List<String> copiedTo,
    String healthcheck) {

  private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\\S*)");
  private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

  public static DockerfileStage parseFinalStage(Path dockerfile) throws IOException {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(dockerfile)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      current.append(trimmed);
      instructions.add(current.toString().strip());
      current.setLength(0);
    }
    int from = -1;
    for (int i = 0; i < instructions.size(); i++) {
      if (keyword(instructions.get(i)).equals("FROM")) {
        from = i;
      }
    }
    if (from < 0) {
      throw new IllegalArgumentException(dockerfile + " has no FROM");
    }
    String user = null;
    String workdir = null;
    String healthcheck = null;
    List<String> entrypoint = null;
    List<String> ports = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    List<String> copiedTo = new ArrayList<>();
    for (String instruction : instructions.subList(from + 1, instructions.size())) {
      String args = instruction.substring(keyword(instruction).length()).strip();
      switch (keyword(instruction)) {
        case "USER" -> user = args;
        case "WORKDIR" -> workdir = args;
        case "HEALTHCHECK" -> healthcheck = args;
        case "EXPOSE" -> {
          for (String p : args.split("\\s+")) {
            ports.add(p.contains("/") ? p : p + "/tcp");
          }
        }
        case "ENV" -> {
          Matcher m = ENV_PAIR.matcher(args);
          while (m.find()) {
            env.put(m.group(1), m.group(2));
          }
        }
        case "COPY" -> {
          String[] words = args.split("\\s+");
          copiedTo.add(words[words.length - 1]);
        }
        case "ENTRYPOINT" -> {
          if (!args.startsWith("[")) {
            throw new IllegalArgumentException(
                dockerfile + ": ENTRYPOINT must use the exec form [\"...\"]: " + args);
          }
          entrypoint = new ArrayList<>();
          Matcher m = JSON_STRING.matcher(args);
          while (m.find()) {
            entrypoint.add(m.group(1));
          }
        }
        default -> {}
      }
    }
    return new DockerfileStage(user, workdir, entrypoint, ports, env, copiedTo, healthcheck);
  }

  private static String keyword(String instruction) {
    int space = instruction.indexOf(' ');
    return (space < 0 ? instruction : instruction.substring(0, space)).toUpperCase();
  }
}
