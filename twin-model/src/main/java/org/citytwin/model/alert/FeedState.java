package org.citytwin.model.alert;

/**
 * The feed watch: the highest watermark seen, the wall-clock time it last advanced, and since when
 * (wall clock) the feed-stopped alert fires ({@link NoDataState#NOT_FIRING} otherwise). Immutable.
 */
public record FeedState(long watermark, long advancedAt, long firedAt) {

    public boolean firing() {
        return firedAt != NoDataState.NOT_FIRING;
    }
}
