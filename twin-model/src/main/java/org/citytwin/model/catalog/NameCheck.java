package org.citytwin.model.catalog;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the stutter of generated names: a word said twice in English ("Pressure drop drop") or two
 * Chinese characters said twice ("管网管网压力").
 */
final class NameCheck {
    /** Short words a natural English name may repeat ("share of calls of the day"). */
    private static final Set<String> FUNCTION_WORDS = Set.of("a", "an", "and", "at", "by", "for", "in", "of", "on",
            "or", "per", "the", "to", "with", "min", "h", "s");

    private NameCheck() {
    }

    /** A description of the repetition ({@code word 'drop'}), or null when neither name repeats itself. */
    static String repeated(String zh, String en) {
        if (en != null) {
            Set<String> seen = new HashSet<>();
            for (String word : en.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}.]+")) {
                if (!word.isEmpty() && !FUNCTION_WORDS.contains(word) && !seen.add(word)) {
                    return "word '" + word + "'";
                }
            }
        }
        if (zh != null) {
            for (int i = 0; i + 1 < zh.length(); i++) {
                String pair = zh.substring(i, i + 2);
                if (isHan(pair.charAt(0)) && isHan(pair.charAt(1)) && zh.indexOf(pair, i + 2) >= 0) {
                    return "'" + pair + "'";
                }
            }
        }
        return null;
    }

    private static boolean isHan(char c) {
        return Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN;
    }
}
