package io.bedrockstream.emulator;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Counts open client connections, so a test can see whether a client closed the sockets it opened. */
@ChannelHandler.Sharable
final class ConnectionCounter extends ChannelInboundHandlerAdapter {

    private final CallRecorder recorder;

    ConnectionCounter(CallRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        recorder.connectionOpened();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        recorder.connectionClosed();
        super.channelInactive(ctx);
    }
}
