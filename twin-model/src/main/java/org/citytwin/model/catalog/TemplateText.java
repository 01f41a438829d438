package org.citytwin.model.catalog;

/**
 * Names and one-sentence descriptions, in Chinese and English, of the indicators a template expands
 * into: the subject (a metric, an event or an event attribute, named as an operator says it) put into a
 * phrase per aggregation, so that {@code 平均管网压力 / Average network pressure} reads as written by hand.
 */
final class TemplateText {
    private TemplateText() {
    }

    /** What an expanded indicator is about: its name in both languages and the kind of source. */
    record Subject(SourceKind kind, String zh, String en, String eventZh, String eventEn) {
    }

    /** Which assets it reads, as a phrase (singular: "air quality station"), and whether offline ones count. */
    record Assets(String zh, String en, boolean offlineKeep) {
    }

    /** The name, or null when the aggregation does not make a name for that kind of subject. */
    static String[] name(Subject s, Aggregation agg, long periodMs) {
        String w = zhPeriod(periodMs);
        String per = enPer(periodMs);
        String en = lowerFirst(s.en());
        switch (s.kind()) {
            case GAUGE:
                switch (agg) {
                    case AVG: return pair("平均" + s.zh(), "Average " + en);
                    case MAX: return pair("最高" + s.zh(), "Highest " + en);
                    case MIN: return pair("最低" + s.zh(), "Lowest " + en);
                    case SUM: return pair(s.zh() + "合计", "Total " + en);
                    default: return null;
                }
            case COUNTER:
                return agg == Aggregation.SUM ? pair("近" + w + s.zh(), upperFirst(s.en()) + " " + per) : null;
            case EVENT:
                if (s.eventZh() == null) {
                    return agg == Aggregation.COUNT ? pair("近" + w + s.zh() + "次数", upperFirst(s.en()) + " events " + per) : null;
                }
                switch (agg) {
                    case SUM: return pair("近" + w + s.zh() + "合计", "Total " + en + " " + per);
                    case AVG: return pair("平均" + s.zh(), "Average " + en);
                    case MAX: return pair("最大" + s.zh(), "Largest " + en);
                    case P50: return pair(s.zh() + "中位数", "Median " + en);
                    case P95: return pair(s.zh() + "95分位", upperFirst(s.en()) + ", 95th percentile");
                    case P99: return pair(s.zh() + "99分位", upperFirst(s.en()) + ", 99th percentile");
                    case DISTINCT: return pair("近" + w + "不同" + s.zh() + "数", "Distinct " + en + " " + per);
                    default: return null;
                }
            default:
                return null;
        }
    }

    /** One sentence per language: what is measured, over which assets, at which tick or window. */
    static String[] description(Subject s, Aggregation agg, Assets a, long periodMs) {
        String ae = a.en() == null ? "device" : a.en();
        String az = a.zh() == null ? "设备" : a.zh();
        String en = lowerFirst(s.en());
        String w = zhEvery(periodMs);
        switch (s.kind()) {
            case GAUGE: {
                String scopeEn = a.offlineKeep() ? ae + " in the area (offline ones with their last reading)"
                        : "online " + ae + " in the area";
                String scopeZh = a.offlineKeep() ? "区域内所有" + az + "（离线的按最后读数）" : "区域内所有在线" + az;
                String[] what = switch (agg) {
                    case AVG -> pair("平均值", "Average of the latest " + en + " of every " + scopeEn);
                    case MAX -> pair("最高值", "Highest " + en + " now reported by any " + scopeEn);
                    case MIN -> pair("最低值", "Lowest " + en + " now reported by any " + scopeEn);
                    default -> pair("总和", "Sum of the latest " + en + " of every " + scopeEn);
                };
                return pair(scopeZh + "最新" + s.zh() + "的" + what[0] + "，每" + w + "更新。",
                        what[1] + ", updated every " + enPeriod(periodMs) + ".");
            }
            case COUNTER:
                return pair("区域内所有" + az + "在每" + w + "窗口内计量的" + s.zh() + "（计数器增量之和）。",
                        upperFirst(en) + " metered by every " + ae + " in the area in each " + enWindow(periodMs)
                                + " (the sum of counter increments).");
            case EVENT: {
                String eventEn = lowerFirst(s.eventEn() == null ? s.en() : s.eventEn());
                String eventZh = s.eventZh() == null ? s.zh() : s.eventZh();
                String fromEn = " events reported by any " + ae + " in the area in each " + enWindow(periodMs) + ".";
                String fromZh = "区域内" + az + "在每" + w + "窗口内上报的" + eventZh + "事件";
                if (s.eventZh() == null) {
                    return pair(fromZh + "数。", "Number of " + eventEn + fromEn);
                }
                String[] what = switch (agg) {
                    case SUM -> pair("合计", "Total " + en + " of the " + eventEn);
                    case AVG -> pair("平均值", "Average " + en + " of the " + eventEn);
                    case MAX -> pair("最大值", "Largest " + en + " of the " + eventEn);
                    case P50 -> pair("中位数", "Median " + en + " of the " + eventEn);
                    case P95 -> pair("95分位值", "95th percentile of the " + en + " of the " + eventEn);
                    case P99 -> pair("99分位值", "99th percentile of the " + en + " of the " + eventEn);
                    default -> pair("的不同取值数", "Number of distinct " + en + " values among the " + eventEn);
                };
                return pair(fromZh + "的" + s.zh() + (what[0].startsWith("的") ? what[0].substring(1) : what[0]) + "。",
                        what[1] + fromEn);
            }
            default:
                return null;
        }
    }

    /** {@code 5分钟}, {@code 1小时}. */
    static String zhPeriod(long ms) {
        if (ms % 86_400_000 == 0) return ms / 86_400_000 + "天";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "小时";
        if (ms % 60_000 == 0) return ms / 60_000 + "分钟";
        return ms / 1000 + "秒";
    }

    /** After 每: {@code 5分钟}, {@code 小时} (not 1小时). */
    static String zhEvery(long ms) {
        String p = zhPeriod(ms);
        return p.startsWith("1") && !Character.isDigit(p.charAt(1)) ? p.substring(1) : p;
    }

    /** {@code 5 min}, {@code hour}. */
    static String enPeriod(long ms) {
        if (ms == 86_400_000) return "day";
        if (ms == 3_600_000) return "hour";
        if (ms == 60_000) return "minute";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + " h";
        if (ms % 60_000 == 0) return ms / 60_000 + " min";
        return ms / 1000 + " s";
    }

    /** {@code per 15 min}, {@code per hour}. */
    static String enPer(long ms) {
        return "per " + enPeriod(ms);
    }

    /** {@code 15-minute window}, {@code hour}. */
    static String enWindow(long ms) {
        if (ms == 86_400_000 || ms == 3_600_000 || ms == 60_000) {
            return enPeriod(ms);
        }
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "-hour window";
        if (ms % 60_000 == 0) return ms / 60_000 + "-minute window";
        return ms / 1000 + "-second window";
    }

    /** Lower-cases the first letter unless the word is an acronym ({@code AQI}, {@code PM2.5}). */
    static String lowerFirst(String s) {
        if (s.length() < 2 || !Character.isLowerCase(s.charAt(1))) {
            return s;
        }
        return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    static String upperFirst(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String[] pair(String zh, String en) {
        return new String[] {zh, en};
    }
}
