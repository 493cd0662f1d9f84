package io.bedrockstream.emulator;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Looks at the first bytes of a connection: the HTTP/2 client preface means h2c with prior knowledge
 * (what the AWS SDK sends to http:// endpoints); anything else is HTTP/1.1. Both end in the same handler.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Room for the 25,000,000-byte body limit, so over-long bodies reach the handler and get Bedrock's error. */
    private static final int MAX_AGGREGATED = EmulatorHandler.MAX_BODY_BYTES + 1024 * 1024;

    private final EmulatorHandler handler;

    ProtocolSniffer(EmulatorHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int available = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < available; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                switchToHttp1(ctx.pipeline());
                return;
            }
        }
        if (available == PREFACE.length) {
            switchToHttp2(ctx.pipeline());
        }
    }

    private void switchToHttp1(ChannelPipeline pipeline) {
        pipeline.addAfter(pipeline.context(this).name(), "http1", new HttpServerCodec());
        pipeline.addAfter("http1", "aggregator", new HttpObjectAggregator(MAX_AGGREGATED));
        pipeline.addAfter("aggregator", "emulator", handler);
        pipeline.remove(this);
    }

    private void switchToHttp2(ChannelPipeline pipeline) {
        pipeline.addAfter(
                pipeline.context(this).name(),
                "h2",
                Http2FrameCodecBuilder.forServer().build());
        pipeline.addAfter("h2", "h2-multiplex", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline()
                        .addLast(
                                new Http2StreamFrameToHttpObjectCodec(true),
                                new HttpObjectAggregator(MAX_AGGREGATED),
                                handler);
            }
        }));
        pipeline.remove(this);
    }
}
