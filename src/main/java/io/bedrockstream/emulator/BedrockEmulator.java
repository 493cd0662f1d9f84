package io.bedrockstream.emulator;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A local Amazon Bedrock Runtime that the real AWS SDK cannot tell from the service: InvokeModel and
 * InvokeModelWithResponseStream over h2c and HTTP/1.1 on one port, with fault injection and an admin view.
 * Plain HTTP only (no TLS).
 */
public final class BedrockEmulator implements AutoCloseable {

    private final EmulatorState state;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final int port;
    private final String host;

    private BedrockEmulator(
            EmulatorState state, EventLoopGroup boss, EventLoopGroup workers, Channel serverChannel, String host) {
        this.state = state;
        this.boss = boss;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.host = host;
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Binds and starts serving; port 0 picks an ephemeral port. */
    public static BedrockEmulator start(EmulatorOptions options) {
        EmulatorState state = new EmulatorState(options);
        EmulatorHandler handler = new EmulatorHandler(state);
        ConnectionCounter connections = new ConnectionCounter(state.recorder);
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup();
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("connections", connections);
                            ch.pipeline().addLast("sniffer", new ProtocolSniffer(handler));
                        }
                    })
                    .bind(options.host(), options.port())
                    .sync()
                    .channel();
            return new BedrockEmulator(state, boss, workers, channel, options.host());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown(boss, workers);
            throw new IllegalStateException("interrupted while binding", e);
        } catch (Exception e) {
            // sync() rethrows bind failures (a checked BindException) without declaring them
            shutdown(boss, workers);
            throw new IllegalStateException(
                    "cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
        }
    }

    public static BedrockEmulator start() {
        return start(EmulatorOptions.defaults());
    }

    public URI endpoint() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        if (h.equals("0.0.0.0")) {
            h = "127.0.0.1";
        }
        return URI.create("http://" + h + ":" + port);
    }

    public int port() {
        return port;
    }

    public EmulatorOptions options() {
        return state.options();
    }

    public EmulatorStats stats() {
        return state.recorder.snapshot();
    }

    /**
     * How each Bedrock call since the last reset authenticated, oldest first, as
     * {@code "<scheme> <accepted|refused>[ <SigV4 headers>]"}: e.g. {@code "Bearer accepted"} for an API key
     * call that carried no SigV4 header, {@code "AWS4-HMAC-SHA256 accepted X-Amz-Date x-amz-content-sha256"}.
     */
    public java.util.List<String> authorizations() {
        return authorizations(null);
    }

    /** As {@link #authorizations()}, for the calls of one request marker ({@code id=}) only; null for all. */
    public java.util.List<String> authorizations(String id) {
        return state.apiKeyAuth.seen().stream()
                .filter(s -> id == null || id.equals(s.id()))
                .map(s -> s.scheme()
                        + (s.accepted() ? " accepted" : " refused")
                        + (s.signingHeaders().isEmpty() ? "" : " " + String.join(" ", s.signingHeaders())))
                .toList();
    }

    /** Reports every call's start and chunk send times to {@code observer} (benchmarks); null stops reporting. */
    public void observe(CallObserver observer) {
        state.observer = observer == null ? CallObserver.NONE : observer;
    }

    /** Clears stats, attempt counters and the concurrency peak, and fills the tokens-per-minute quota. */
    public void reset() {
        state.reset();
    }

    /** Changes settings at runtime; host and port changes are ignored while running. */
    public void updateSettings(Consumer<EmulatorOptions.Builder> change) {
        state.update(o -> {
            EmulatorOptions.Builder b = o.toBuilder();
            change.accept(b);
            return b.host(o.host()).port(o.port()).build();
        });
    }

    public void setThrottleFraction(double throttleFraction) {
        updateSettings(b -> b.throttleFraction(throttleFraction));
    }

    public void setMaxConcurrentStreams(int maxConcurrentStreams) {
        updateSettings(b -> b.maxConcurrentStreams(maxConcurrentStreams));
    }

    /** A tokens-per-minute quota (0 = none) whose minute lasts {@code windowMs}. */
    public void setTokensPerMinute(long tokensPerMinute, long windowMs) {
        updateSettings(b -> b.tokensPerMinute(tokensPerMinute).quotaWindowMs(windowMs));
    }

    public void setLatency(long ttftMs, long delayMs) {
        updateSettings(b -> b.ttftMs(ttftMs).delayMs(delayMs));
    }

    public void setWords(int words, int perChunk) {
        updateSettings(b -> b.words(words).perChunk(perChunk));
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        shutdown(boss, workers);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers) {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** CLI: prints the endpoint and serves until killed. */
    public static void main(String[] args) throws InterruptedException {
        EmulatorOptions options;
        try {
            options = EmulatorCli.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(EmulatorCli.USAGE);
            System.exit(2);
            return;
        }
        BedrockEmulator emulator;
        try {
            emulator = start(options);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            emulator.close();
                            stopped.countDown();
                        },
                        "emulator-shutdown"));
        System.out.println("Bedrock emulator listening on " + emulator.endpoint()
                + (options.verifiesSignatures() ? " (verifying SigV4 signatures)" : ""));
        System.out.flush();
        stopped.await();
    }
}
