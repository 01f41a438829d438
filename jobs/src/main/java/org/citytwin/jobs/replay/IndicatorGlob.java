package org.citytwin.jobs.replay;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Indicator ids selected by shell-style globs, comma-separated: {@code *} any run of characters,
 * {@code ?} one character, e.g. {@code ws_*,air_pm25_*}.
 */
public final class IndicatorGlob implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String text;
    private final Pattern pattern;

    public IndicatorGlob(String text) {
        this.text = text;
        List<String> alternatives = new ArrayList<>();
        for (String glob : text.split(",")) {
            StringBuilder regex = new StringBuilder();
            for (char c : glob.trim().toCharArray()) {
                regex.append(switch (c) {
                    case '*' -> ".*";
                    case '?' -> ".";
                    default -> Pattern.quote(String.valueOf(c));
                });
            }
            alternatives.add(regex.toString());
        }
        this.pattern = Pattern.compile(String.join("|", alternatives));
    }

    public boolean matches(String indicatorId) {
        return pattern.matcher(indicatorId).matches();
    }

    @Override
    public String toString() {
        return text;
    }
}
