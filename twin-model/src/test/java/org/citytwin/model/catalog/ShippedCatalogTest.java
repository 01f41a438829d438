package org.citytwin.model.catalog;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.citytwin.model.asset.AssetTypes;

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
            assertThat(i.zhDescription()).as(i.id()).endsWith("。");
            assertThat(i.enDescription()).as(i.id()).endsWith(".");
        }
    }

    @Test
    void everyCategoryHasAtLeastFourAlertingIndicatorsAndOneToFourHeadlines() {
        Catalog c = CatalogLoader.load("shanghai");
        for (Category category : c.categories()) {
            List<Indicator> own = c.indicators().stream().filter(i -> i.category().equals(category.id())).toList();
            assertThat(own.stream().filter(i -> i.alert() != null).count()).as(category.id()).isGreaterThanOrEqualTo(4);
            assertThat(own.stream().filter(Indicator::headline).count()).as(category.id()).isBetween(1L, 4L);
        }
    }

    @Test
    void theCatalogReadsAtLeastEightyAssetTypes() {
        Catalog c = CatalogLoader.load("shanghai");
        Set<String> read = new TreeSet<>();
        c.indicators().forEach(i -> {
            if (i.assetType() != null) {
                read.add(i.assetType());
            }
        });
        assertThat(read).hasSizeGreaterThanOrEqualTo(80);
        assertThat(read).hasSameSizeAs(AssetTypes.load("shanghai").all());
    }
}
