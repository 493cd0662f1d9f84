package io.bedrockstream.bedrock;

import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * The Netty HTTP client of one Bedrock client, on event loops of its own, and the client's timer thread. Given to
 * the SDK through {@code httpClientBuilder}, so the SDK manages it: closing the Bedrock client closes this, which
 * closes the connection pool, stops the timer and shuts the event loops down with no quiet period, waiting at
 * most {@link #CLOSE_TIMEOUT}.
 * (The SDK's default, a shared event loop group, waits a 2 s quiet period on the last close, and a client passed
 * through {@code httpClient} is never closed at all.) Own event loops also mean nothing a credentials refresh
 * uses can share a thread with Bedrock's streams.
 */
final class DedicatedNettyHttpClient implements SdkAsyncHttpClient {

    /** How long close() waits for the event loops to end; Connect gives a whole task 5 s to stop. */
    static final Duration CLOSE_TIMEOUT = Duration.ofMillis(500);

    private final SdkAsyncHttpClient netty;
    private final SdkEventLoopGroup eventLoops;
    private final ExecutorService timer;

    private DedicatedNettyHttpClient(SdkAsyncHttpClient netty, SdkEventLoopGroup eventLoops, ExecutorService timer) {
        this.netty = netty;
        this.eventLoops = eventLoops;
        this.timer = timer;
    }

    /**
     * A builder for {@code httpClientBuilder}: each build gets new event loops with {@code threads} threads.
     * {@code timer} is the client's {@code scheduledExecutorService}, which the SDK does not stop itself.
     */
    static SdkAsyncHttpClient.Builder<?> builder(
            NettyNioAsyncHttpClient.Builder netty, int threads, ExecutorService timer) {
        return new Builder(netty, threads, timer);
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        return netty.execute(request);
    }

    @Override
    public String clientName() {
        return netty.clientName();
    }

    @Override
    public void close() {
        try {
            timer.shutdownNow(); // timeouts of calls that close() ends anyway
            netty.close(); // the pools; it leaves event loops it was given alone
        } finally {
            // no quiet period: nothing is submitted to a closed client's loops; open channels are closed
            Future<?> terminated =
                    eventLoops.eventLoopGroup().shutdownGracefully(0, CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            terminated.awaitUninterruptibly(CLOSE_TIMEOUT.toMillis() + 100);
        }
    }

    private static final class Builder implements SdkAsyncHttpClient.Builder<Builder> {
        private final NettyNioAsyncHttpClient.Builder netty;
        private final int threads;
        private final ExecutorService timer;

        Builder(NettyNioAsyncHttpClient.Builder netty, int threads, ExecutorService timer) {
            this.netty = netty;
            this.threads = threads;
            this.timer = timer;
        }

        @Override
        public SdkAsyncHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            SdkEventLoopGroup eventLoops =
                    SdkEventLoopGroup.builder().numberOfThreads(threads).build();
            try {
                return new DedicatedNettyHttpClient(
                        netty.eventLoopGroup(eventLoops).buildWithDefaults(serviceDefaults), eventLoops, timer);
            } catch (RuntimeException e) {
                eventLoops.eventLoopGroup().shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                throw e;
            }
        }
    }
}
