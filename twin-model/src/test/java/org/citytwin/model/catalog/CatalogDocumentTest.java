package org.citytwin.model.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CatalogDocumentTest {
    private static final Path DOC = Path.of("..", "docs", "catalog.md");

    @Test
    void docsCatalogMdIsTheDocumentGeneratedFromTheShippedCatalog() throws Exception {
        String expected = CatalogDocument.markdown(CatalogLoader.load("shanghai"));
        assertThat(Files.exists(DOC)).as(DOC.toAbsolutePath() + " exists").isTrue();
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
                .as("docs/catalog.md is stale: run ./twin catalog --markdown > docs/catalog.md").isEqualTo(expected);
    }

    @Test
    void everyCategoryListsItsHeadlinesAndEveryThreshold() {
        Catalog c = CatalogLoader.load("shanghai");
        String md = CatalogDocument.markdown(c);
        for (Category category : c.categories()) {
            assertThat(md).contains("\n## " + category.id().replace('_', '-') + "\n");
        }
        for (Indicator i : c.indicators()) {
            if (i.headline() || i.alert() != null) {
                assertThat(md).contains("| `" + i.id() + "` | " + i.zh() + " / " + i.en() + " |");
            }
        }
        assertThat(md).contains("| `air_aqi_max` | 最高空气质量指数 / Highest AQI | above (AQI) | 150 | 200 | 130 | 15m |");
    }
}
