package org.citytwin.model.topology;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CityTopologyTest {
    private static final CityTopology SH = CityTopology.load("shanghai");

    @Test
    void shanghaiHasSixteenDistrictsWithThreeToSixStreetsEach() {
        assertThat(SH.city().code()).isEqualTo("310000");
        assertThat(SH.city().zh()).isEqualTo("上海市");
        assertThat(SH.districts()).extracting(Area::code).containsExactly("310101", "310104", "310105", "310106",
                "310107", "310109", "310110", "310112", "310113", "310114", "310115", "310116", "310117", "310118",
                "310120", "310151");
        for (Area d : SH.districts()) {
            assertThat(SH.children(d.code())).hasSizeBetween(3, 6);
            for (Area s : SH.children(d.code())) {
                assertThat(s.code()).hasSize(9).startsWith(d.code());
                assertThat(s.level()).isEqualTo(AreaLevel.STREET);
            }
        }
        assertThat(SH.streets()).hasSize(81);
        assertThat(SH.area("310115").en()).isEqualTo("Pudong New Area");
        assertThat(SH.area("310115").zh()).isEqualTo("浦东新区");
        assertThat(SH.area("310106").en()).isEqualTo("Jing'an");
    }

    @Test
    void ancestorsAndSelfOfAStreetAreStreetDistrictCity() {
        List<Area> chain = SH.ancestorsAndSelf("310101002");
        assertThat(chain).extracting(Area::code).containsExactly("310101002", "310101", "310000");
        assertThat(chain).extracting(Area::level).containsExactly(AreaLevel.STREET, AreaLevel.DISTRICT, AreaLevel.CITY);
        assertThat(SH.parent("310101002").zh()).isEqualTo("黄浦区");
        assertThat(SH.parent("310000")).isNull();
        assertThat(SH.level("310151116")).isEqualTo(AreaLevel.STREET);
        assertThat(SH.at("310151116", AreaLevel.DISTRICT).en()).isEqualTo("Chongming");
        assertThat(SH.area("999999999")).isNull();
    }
}
