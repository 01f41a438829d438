package org.citytwin.model.topology;

import org.citytwin.model.CitySource;
import org.citytwin.model.yaml.YamlNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The city → district → street tree, looked up by area code. */
public final class CityTopology implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Area city;
    private final Map<String, Area> byCode;
    private final Map<String, List<Area>> children;

    public CityTopology(List<Area> areas) {
        Area c = null;
        Map<String, Area> m = new LinkedHashMap<>();
        Map<String, List<Area>> ch = new LinkedHashMap<>();
        for (Area a : areas) {
            if (m.put(a.code(), a) != null) {
                throw new IllegalArgumentException("duplicate area code " + a.code());
            }
            if (a.level() == AreaLevel.CITY) {
                if (c != null) {
                    throw new IllegalArgumentException("two cities: " + c.code() + ", " + a.code());
                }
                c = a;
            } else {
                ch.computeIfAbsent(a.parentCode(), k -> new ArrayList<>()).add(a);
            }
        }
        if (c == null) {
            throw new IllegalArgumentException("topology has no city");
        }
        for (Area a : areas) {
            if (a.level() != AreaLevel.CITY) {
                Area p = m.get(a.parentCode());
                AreaLevel want = a.level() == AreaLevel.DISTRICT ? AreaLevel.CITY : AreaLevel.DISTRICT;
                if (p == null || p.level() != want) {
                    throw new IllegalArgumentException("area " + a.code() + " has no " + want.tag() + " parent");
                }
            }
        }
        this.city = c;
        this.byCode = m;
        this.children = ch;
    }

    /** Loads {@code topology.yaml} from a classpath city name or a directory. */
    public static CityTopology load(String cityOrDir) {
        return load(CitySource.of(cityOrDir));
    }

    public static CityTopology load(CitySource src) {
        try (InputStream in = src.open(CitySource.TOPOLOGY)) {
            return parse(YamlNode.parse(in, new ArrayList<>()), src.display(CitySource.TOPOLOGY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CityTopology parse(YamlNode root, String file) {
        List<Area> areas = new ArrayList<>();
        YamlNode c = root.get("city");
        if (c == null) {
            throw new IllegalArgumentException(file + ": missing 'city'");
        }
        String cityCode = c.text("code", null);
        areas.add(new Area(cityCode, AreaLevel.CITY, null, c.text("zh", null), c.text("en", null), false));
        YamlNode districts = root.get("districts");
        for (YamlNode d : districts == null ? List.<YamlNode>of() : districts.items()) {
            String dc = req(d, "code", file);
            areas.add(new Area(dc, AreaLevel.DISTRICT, cityCode, req(d, "zh", file), req(d, "en", file),
                    d.bool("sample", false)));
            YamlNode streets = d.get("streets");
            for (YamlNode s : streets == null ? List.<YamlNode>of() : streets.items()) {
                String sc = req(s, "code", file);
                if (sc.length() != 9 || !sc.startsWith(dc)) {
                    throw new IllegalArgumentException(file + ":" + s.line() + ": street code " + sc
                            + " must be 9 digits starting with its district code " + dc);
                }
                areas.add(new Area(sc, AreaLevel.STREET, dc, req(s, "zh", file), req(s, "en", file),
                        s.bool("sample", false)));
            }
        }
        return new CityTopology(areas);
    }

    private static String req(YamlNode n, String key, String file) {
        String v = n.text(key, null);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(file + ":" + n.line() + ": missing '" + key + "'");
        }
        return v;
    }

    public Area city() { return city; }

    /** The area with this code, or null. */
    public Area area(String code) { return byCode.get(code); }

    public AreaLevel level(String code) {
        Area a = byCode.get(code);
        return a == null ? null : a.level();
    }

    /** The parent area, or null for the city (and unknown codes). */
    public Area parent(String code) {
        Area a = byCode.get(code);
        return a == null || a.parentCode() == null ? null : byCode.get(a.parentCode());
    }

    public List<Area> children(String code) {
        return Collections.unmodifiableList(children.getOrDefault(code, List.of()));
    }

    public List<Area> districts() { return children(city.code()); }

    /** All streets in code order of districts, then streets. */
    public List<Area> streets() {
        List<Area> out = new ArrayList<>();
        for (Area d : districts()) {
            out.addAll(children(d.code()));
        }
        return out;
    }

    public List<Area> all() { return List.copyOf(byCode.values()); }

    /** For a street: [street, district, city]; for a district: [district, city]; for the city: [city]. */
    public List<Area> ancestorsAndSelf(String code) {
        Area a = byCode.get(code);
        if (a == null) {
            throw new IllegalArgumentException("unknown area code " + code);
        }
        List<Area> out = new ArrayList<>(3);
        for (; a != null; a = a.parentCode() == null ? null : byCode.get(a.parentCode())) {
            out.add(a);
        }
        return out;
    }

    /** The ancestor (or self) of {@code code} at {@code level}, or null. */
    public Area at(String code, AreaLevel level) {
        for (Area a : ancestorsAndSelf(code)) {
            if (a.level() == level) {
                return a;
            }
        }
        return null;
    }
}
