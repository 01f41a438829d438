package org.citytwin.model.catalog;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ShippedCatalogTest {
    @Test
    void shanghaiCatalogHas32CategoriesAndAtLeast1000NamedIndicators() {
        Catalog c = CatalogLoader.load("shanghai");
        Map<String, Integer> counts = c.countsByCategory();
        System.out.println("catalog: " + c.size() + " indicators " + counts + " " + c.countsByAggregation());
        assertThat(c.categories()).hasSize(32);
        assertThat(c.size()).isGreaterThanOrEqualTo(1000);
        counts.forEach((cat, n) -> assertThat(n).as(cat).isGreaterThanOrEqualTo(10));
        for (Indicator i : c.indicators()) {
            assertThat(i.zh()).as(i.id()).isNotBlank();
            assertThat(i.en()).as(i.id()).isNotBlank();
            assertThat(i.unit()).as(i.id()).isNotBlank();
            assertThat(i.levels()).as(i.id()).isNotEmpty();
            assertThat(i.periodMs()).as(i.id()).isPositive();
        }
    }
}
