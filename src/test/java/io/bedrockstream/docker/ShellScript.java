package io.bedrockstream.docker;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the project's container scripts (docker/**) on this machine, the way a container runs it: with
 * the host's shell and tools, or with busybox alone (plus curl) as on the Alpine-based images such as
 * curlimages/curl. The busybox variant runs only where busybox is installed.
 */
final class ShellScript {

    /** What a run gave: exit status and stdout and stderr together. */
    record Result(int exitCode, String output) {}

    /** Where the script runs. */
    enum Shell {
        /** /bin/sh with the host's awk, grep, curl. */
        HOST,
        /** busybox's sh and applets only, plus curl: what an Alpine-based image has. */
        BUSYBOX
    }

    private static final List<String> BUSYBOX_APPLETS =
            List.of("sh", "awk", "grep", "mktemp", "cat", "mv", "rm", "touch", "sleep", "head", "sed", "tr");

    private ShellScript() {}

    /**
     * @param interpreter the script's interpreter as the container calls it ("sh" or "bash")
     * @param env         extra environment variables
     */
    static Result run(
            Shell shell, String interpreter, Path script, List<String> args, Map<String, String> env, Path scratch)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (shell == Shell.BUSYBOX) {
            Path busybox = require("busybox", "the curl image runs the script with busybox's tools");
            Path bin = Files.createDirectories(scratch.resolve("busybox-bin"));
            for (String applet : BUSYBOX_APPLETS) {
                Path link = bin.resolve(applet);
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, busybox);
                }
            }
            onPath("curl").ifPresent(curl -> link(bin.resolve("curl"), curl));
            pb.environment().put("PATH", bin.toString());
            command.add(bin.resolve("sh").toString());
        } else {
            command.add(interpreter);
        }
        command.add(script.toString());
        command.addAll(args);
        pb.environment().putAll(env);
        Process process = pb.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    script + " did not finish within 90 s: " + new String(output, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /**
     * The program on PATH, or a failure that says what to install: these tests check the scripts the docker tier
     * runs, and a test skipped for want of a tool would pass without checking anything. {@code .ci/run} installs
     * bash, curl and busybox where they are missing.
     */
    static Path require(String program, String why) {
        return onPath(program)
                .orElseGet(() -> fail(program + " is not on PATH (" + why + "): install it, e.g. `apt-get install "
                        + program + "`, or run .ci/run, which does"));
    }

    static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (!dir.isBlank() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void link(Path link, Path target) {
        try {
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, target);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
