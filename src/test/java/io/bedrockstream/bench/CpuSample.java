package io.bedrockstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU seconds (user + system) each process of the run has used so far, from {@code /proc/<pid>/stat}: the
 * difference of two samples says where a section's CPU went (the bench JVM holds the emulator, the load
 * generator and the reader; the broker and the worker are child processes). Empty where /proc is missing.
 */
record CpuSample(Map<String, Double> seconds) {
    private static final double TICKS = 100.0; // USER_HZ on Linux

    static CpuSample of(Map<String, Long> pids) {
        Map<String, Double> s = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            Double cpu = cpuSeconds(pid);
            if (cpu != null) {
                s.put(name, cpu);
            }
        });
        return new CpuSample(s);
    }

    /** This sample minus an earlier one, per process. */
    CpuSample since(CpuSample earlier) {
        Map<String, Double> d = new LinkedHashMap<>();
        seconds.forEach((name, v) -> {
            Double before = earlier.seconds.get(name);
            if (before != null) {
                d.put(name, v - before);
            }
        });
        return new CpuSample(d);
    }

    double total() {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    static Double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name, field 2, is in parentheses and may hold spaces: count fields after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 (utime, stime) are the 12th and 13th after the name
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
