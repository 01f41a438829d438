package org.citytwin.model;

/** Durations as written in data files: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d}. */
public final class Durations {
    private Durations() {
    }

    /** Milliseconds, or -1 when the text is not a positive duration. */
    public static long parseMs(String text) {
        if (text == null) {
            return -1;
        }
        String s = text.trim();
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 12) {
            return -1;
        }
        long n = Long.parseLong(s.substring(0, i));
        long unit;
        switch (s.substring(i)) {
            case "ms": unit = 1; break;
            case "s": unit = 1000; break;
            case "m": unit = 60_000; break;
            case "h": unit = 3_600_000; break;
            case "d": unit = 86_400_000; break;
            default: return -1;
        }
        return n > 0 ? n * unit : -1;
    }

    /** The shortest exact text for a duration in ms ({@code 300000} → {@code 5m}). */
    public static String format(long ms) {
        if (ms % 86_400_000 == 0) return ms / 86_400_000 + "d";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
