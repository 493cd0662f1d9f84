package io.bedrockstream.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MinuteRateTest {
    @Test
    void countsTheLastSixtySecondsOnly() {
        AtomicLong now = new AtomicLong(TimeUnit.SECONDS.toNanos(1_000));
        MinuteRate rate = new MinuteRate(now::get);
        rate.record();
        rate.record();
        now.addAndGet(TimeUnit.SECONDS.toNanos(30));
        rate.record();
        assertThat(rate.lastMinute()).isEqualTo(3);
        now.addAndGet(TimeUnit.SECONDS.toNanos(30)); // the first two are 60 s old now
        assertThat(rate.lastMinute()).isEqualTo(1);
        now.addAndGet(TimeUnit.SECONDS.toNanos(120)); // a bucket reused after a wrap starts from zero
        rate.record();
        assertThat(rate.lastMinute()).isEqualTo(1);
    }
}
