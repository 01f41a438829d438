package org.citytwin.model.asset;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Steps back to values: the same double as the decimal product computed through BigDecimal, for every resolution. */
class FixedPointTest {

    private static final double[] RESOLUTIONS = {1, 0.1, 0.01, 0.001, 1e-4, 1e-5, 1e-6, 0.5, 0.25, 5, 0.05, 0.3, 1000, 1e-9};

    @Test
    void fromFixedIsTheDecimalProductRoundedOnceForEveryResolution() {
        Random random = new Random(11);
        for (double resolution : RESOLUTIONS) {
            for (int i = 0; i < 200_000; i++) {
                long steps = switch (i % 4) {
                    case 0 -> random.nextInt(2_000_001) - 1_000_000;
                    case 1 -> random.nextLong() >> 20; // up to ±2^43, the fixed-point range
                    case 2 -> (random.nextLong() >> 11); // beyond 2^52: the BigDecimal path
                    default -> i - 100_000;
                };
                double expected = BigDecimal.valueOf(steps).multiply(new BigDecimal(Double.toString(resolution))).doubleValue();
                assertThat(FixedPoint.fromFixed(steps, resolution)).as(steps + " × " + resolution).isEqualTo(expected);
            }
        }
        assertThat(FixedPoint.fromFixed(3, 0.1)).isEqualTo(0.3);
        assertThat(FixedPoint.fromFixed(-7, 0.01)).isEqualTo(-0.07);
    }
}
